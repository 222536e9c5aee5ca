/** A problem with what the user asked for (paths, flags, git refs): exit 2 with one line, no stack. */
export class UsageError extends Error {}
