import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { RuleSetting } from '../engine/engine.js';
import { ConfigError, type FrameworkName, type LoadedConfig } from './types.js';

/** What applies to one file after the config's base settings, its matching overrides (in order) and the CLI flags. */
export interface FileSettings {
  rules: Record<string, RuleSetting>;
  assumeInTransaction?: boolean;
  framework?: FrameworkName;
  placeholders: Record<string, string>;
}

/** Settings given on the command line; they win over the config file. */
export interface CliSettings {
  rules?: Record<string, RuleSetting>;
  assumeInTransaction?: boolean;
  framework?: FrameworkName;
}

type Matcher = (p: string) => boolean;

function matcher(globs: string[] | undefined): Matcher | undefined {
  if (!globs?.length) return undefined;
  // A bare name like "structure.sql" matches at any depth, as in .gitignore.
  const m = picomatch(globs.map((g) => (g.includes('/') ? g.replace(/^\.\//, '') : `**/${g}`)), { dot: true });
  return (p) => m(p);
}

/** Resolves per-file settings and include/exclude against one loaded config (or none). */
export class ConfigResolver {
  private readonly include?: Matcher;
  private readonly exclude?: Matcher;
  private readonly overrides: { files: Matcher; excluded?: Matcher; index: number }[];

  constructor(readonly loaded: LoadedConfig | undefined, readonly cli: CliSettings = {}, readonly cwd = process.cwd()) {
    const c = loaded?.config;
    this.include = matcher(c?.include);
    this.exclude = matcher(c?.exclude);
    this.overrides = (c?.overrides ?? []).map((o, index) => ({ files: matcher(o.files)!, excluded: matcher(o.excludedFiles), index }));
  }

  /** The path relative to the config file's directory, with forward slashes. */
  private rel(path: string): string | undefined {
    if (!this.loaded) return undefined;
    const r = relative(this.loaded.dir, resolve(this.cwd, path));
    if (r.startsWith('..') || isAbsolute(r)) return undefined;
    return r.split(sep).join('/');
  }

  /** False when `include` does not match the file or `exclude` does (paths outside the config's directory are kept). */
  selected(path: string): boolean {
    const r = this.rel(path);
    if (r === undefined) return true;
    if (this.include && !this.include(r)) return false;
    return !(this.exclude && this.exclude(r));
  }

  get pgVersion(): number | undefined {
    return this.loaded?.config.pgVersion;
  }

  /** Whether the config has `include` globs (used as default paths when none are given). */
  get includeGlobs(): string[] | undefined {
    const c = this.loaded?.config;
    if (!c?.include?.length) return undefined;
    return c.include.map((g) => {
      // Globs are relative to the config file; one that leaves its directory would walk the whole filesystem.
      const inside = relative(this.loaded!.dir, resolve(this.loaded!.dir, g));
      if (isAbsolute(g) || inside.startsWith('..') || isAbsolute(inside)) {
        throw new ConfigError(this.loaded!.path, 'include', `${JSON.stringify(g)} is outside the config file's directory: include globs are relative to it`);
      }
      return relative(this.cwd, resolve(this.loaded!.dir, g)) || '.';
    });
  }

  forFile(path: string): FileSettings {
    const c = this.loaded?.config;
    const out: FileSettings = { rules: { ...(c?.rules ?? {}) }, assumeInTransaction: c?.assumeInTransaction, framework: c?.framework, placeholders: { ...(c?.placeholders ?? {}) } };
    const r = this.rel(path);
    if (c && r !== undefined) {
      for (const o of this.overrides) {
        if (!o.files(r) || o.excluded?.(r)) continue;
        const ov = c.overrides![o.index];
        Object.assign(out.rules, ov.rules ?? {});
        if (ov.assumeInTransaction !== undefined) out.assumeInTransaction = ov.assumeInTransaction;
        if (ov.framework !== undefined) out.framework = ov.framework;
        Object.assign(out.placeholders, ov.placeholders ?? {});
      }
    }
    Object.assign(out.rules, this.cli.rules ?? {});
    if (this.cli.assumeInTransaction !== undefined) out.assumeInTransaction = this.cli.assumeInTransaction;
    if (this.cli.framework !== undefined) out.framework = this.cli.framework;
    return out;
  }
}
