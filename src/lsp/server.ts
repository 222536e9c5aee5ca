import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  createConnection,
  StreamMessageReader,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { rules } from '../../rules/index.js';
import { ruleIds, type FileResult } from '../engine/engine.js';
import { forgetListings, priorSchema } from './context.js';
import type { SchemaModel } from '../analysis/schema.js';
import { nodeFs, type DownFs } from '../rollback/down.js';
import { initParser } from '../source/index.js';
import { bufferSet, lintProjectSync } from '../project/index.js';
import { annotateResults } from '../stats/annotate.js';
import { cachedStatsOptions } from '../stats/options.js';
import { codeActionsFor, hoverAt, toDiagnostic, type OffsetMap } from './features.js';
import { maskedWriter, resync } from './frames.js';
import { sanitizeClientSettings, settingsFor, type ClientSettings } from './settings.js';

export interface ServerOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const DEFAULT_DEBOUNCE_MS = 200;
/**
 * A document whose lint takes longer than the debounce waits that long after an edit instead (up to this): while
 * edits keep coming faster than a lint takes, only the last version is linted; the others are never started.
 */
const MAX_ADAPTIVE_DEBOUNCE_MS = 3000;
// Config files, and migrations: an earlier migration saved elsewhere changes the schema model of open files.
const WATCHED = ['**/{pgsafe.config.json,.pgsaferc.json}', '**/*.sql'];

interface Linted {
  version: number;
  result: FileResult;
  /** The rollback path's own result when it is a section of this file. */
  rollback?: FileResult;
  map: OffsetMap;
}

function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** stdout carries the protocol: anything a library prints goes to stderr instead. */
function keepStdoutClean(): void {
  const toStderr = (...args: unknown[]) => { process.stderr.write(format(...args) + '\n'); };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  console.error = toStderr;
}

/** Starts the pgsafe language server; it runs until the client sends `exit` or closes the stream. */
export function startServer(opts: ServerOptions): Connection {
  if (opts.output === process.stdout) keepStdoutClean();
  // Malformed frames are skipped, and every outgoing message is masked for secrets (see frames.ts).
  const connection = createConnection(new StreamMessageReader(opts.input.pipe(resync())), maskedWriter(opts.output));
  const documents = new TextDocuments(TextDocument);
  const known = ruleIds(rules);
  const linted = new Map<string, Linted>();
  const timers = new Map<string, { version: number; timer: NodeJS.Timeout }>();
  const inflight = new Map<string, { version: number; promise: Promise<Linted | undefined> }>();
  /** How long the last lint of each document took (ms). */
  const cost = new Map<string, number>();
  let client: ClientSettings = {};
  let workspaceDir: string | undefined;
  const reported = new Set<string>();
  let canWatch = false;
  let canPushConfig = false;

  const lintNow = (uri: string): Promise<Linted | undefined> => {
    const doc = documents.get(uri);
    if (!doc) return Promise.resolve(undefined);
    const pending = timers.get(uri);
    if (pending && pending.version === doc.version) {
      clearTimeout(pending.timer);
      timers.delete(uri);
    }
    const running = inflight.get(uri);
    if (running && running.version === doc.version) return running.promise;
    // TextDocuments updates documents in place: take this version's text before any await.
    const version = doc.version;
    const original = doc.getText();
    const promise = (async () => {
      try {
        const path = uriToPath(uri);
        const settings = settingsFor(path, client, rules, workspaceDir);
        if (settings.configError && !reported.has(settings.configError)) {
          reported.add(settings.configError);
          connection.console.error(`pgsafe: ${settings.configError}`);
          void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `pgsafe: ${settings.configError} (using editor settings until it is fixed)` });
        }
        await initParser();
        const name = path ?? uri;
        const { pgVersion, assumeInTransaction, ruleSettings } = settings;
        // Earlier migrations feed the schema model, as in `pgsafe lint <dir>`; they are not linted.
        let schema: SchemaModel | undefined;
        if (path && settings.selected && client.schemaContext !== false) {
          const open = new Map(documents.all().map((d) => [uriToPath(d.uri), d] as const));
          const buffer = (p: string) => {
            const d = open.get(p);
            return d ? { text: d.getText(), stamp: `open:${d.version}` } : undefined;
          };
          schema = await priorSchema(path, settings, { pgVersion, assumeInTransaction }, buffer);
        }
        if (documents.get(uri)?.version !== version) return undefined;
        // As `pgsafe lint` lints it: framework semantics, placeholders, and its down migration as the rollback path.
        const set = bufferSet(name, original, { resolver: settings.resolver, settings: settings.file, pgVersion, assumeInTransaction });
        const fs: DownFs = {
          exists: (p) => p === path || nodeFs.exists(p),
          read: (p) => (p === path ? original : nodeFs.read(p)),
          list: (d) => nodeFs.list(d),
        };
        const started = performance.now();
        const [own, next] = lintProjectSync(set, { rules, ruleSettings, schema, fs }).files;
        cost.set(uri, performance.now() - started);
        const prep = set.files[0].prepared!;
        // With a config `stats` snapshot: findings gain size, traffic and estimated blocking, as `lint --stats`.
        const stats = cachedStatsOptions(settings.loaded);
        const annotate = (r: FileResult) => (stats ? annotateResults([r], stats)[0] : r);
        const result = annotate(own);
        // A down section of this same file (goose, dbmate): its findings belong on this document.
        const rollback = next?.path === name ? annotate(next) : undefined;
        if (rollback) result.findings = [...result.findings, ...rollback.findings].sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
        // Excluded by the config's include/exclude, or not a migration of the framework: no diagnostics.
        if (!settings.selected) result.findings = [];
        const entry: Linted = { version, result, rollback, map: (o, side) => prep.substitution.toOriginal(o, side) };
        // A newer version is linted by its own run; don't publish stale ranges over it.
        if (documents.get(uri)?.version !== version) return entry;
        linted.set(uri, entry);
        await connection.sendDiagnostics({ uri, version, diagnostics: result.findings.map((f) => toDiagnostic(doc, f)) });
        return entry;
      } catch (err) {
        connection.console.error(`pgsafe: linting ${uri} failed: ${(err as Error)?.stack ?? String(err)}`);
        return undefined;
      }
    })();
    inflight.set(uri, { version, promise });
    void promise.then(() => {
      if (inflight.get(uri)?.promise === promise) inflight.delete(uri);
    });
    return promise;
  };

  const schedule = (uri: string, version: number, delay: number) => {
    const pending = timers.get(uri);
    if (pending?.version === version) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      timers.delete(uri);
      void lintNow(uri);
    }, delay);
    timers.set(uri, { version, timer });
  };

  /** The lint result for the document as it is now (lints it if the last result is stale). */
  const current = async (uri: string) => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const hit = linted.get(uri);
    if (hit && hit.version === doc.version) return { doc, ...hit };
    const fresh = await lintNow(uri);
    // Edited again meanwhile: the result's offsets are not the document's any more.
    return fresh && fresh.version === doc.version ? { doc, ...fresh } : undefined;
  };

  const relintAll = () => {
    for (const doc of documents.all()) schedule(doc.uri, doc.version, 0);
  };

  connection.onInitialize((params): InitializeResult => {
    client = sanitizeClientSettings(params.initializationOptions);
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    workspaceDir = rootUri ? uriToPath(rootUri) : params.rootPath ?? undefined;
    canWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canPushConfig = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    // Load the parser's WASM while the client finishes its handshake.
    void initParser();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'pgsafe', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (canWatch) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) });
    if (canPushConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'pgsafe' });
  });

  connection.onDidChangeConfiguration((change) => {
    const next = sanitizeClientSettings(change.settings);
    if (Object.keys(next).length > 0) client = next;
    relintAll();
  });

  connection.onDidChangeWatchedFiles(() => {
    reported.clear();
    forgetListings();
    relintAll();
  });

  documents.onDidOpen((e) => schedule(e.document.uri, e.document.version, 0));
  documents.onDidChangeContent((e) => {
    const uri = e.document.uri;
    const debounce = client.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    schedule(uri, e.document.version, Math.max(debounce, Math.min(cost.get(uri) ?? 0, MAX_ADAPTIVE_DEBOUNCE_MS)));
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const pending = timers.get(uri);
    if (pending) clearTimeout(pending.timer);
    timers.delete(uri);
    linted.delete(uri);
    cost.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onHover(async (params) => {
    const cur = await current(params.textDocument.uri);
    if (!cur) return null;
    return hoverAt(cur.doc, cur.result, cur.doc.offsetAt(params.position), known, cur.map, cur.rollback);
  });

  connection.onCodeAction(async (params) => {
    const cur = await current(params.textDocument.uri);
    if (!cur) return [];
    const actions = codeActionsFor(cur.doc, cur.result, cur.doc.offsetAt(params.range.start), cur.doc.offsetAt(params.range.end), cur.map, cur.rollback);
    const only = params.context.only;
    return only && !only.some((k) => k === 'quickfix' || 'quickfix'.startsWith(`${k}.`)) ? [] : actions;
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
