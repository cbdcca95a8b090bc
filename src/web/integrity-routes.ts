// Manage > Integrity: the last verification report per namespace (nothing verified on page load) and "Verify now", which starts a background run; each view and run reported through the auditor-action hook.
import { Router, type Request, type Response } from 'express';
import type { Client } from '@opensearch-project/opensearch';
import { AUDIT_ROLES } from '../model/vocabulary.js';
import { listEventNamespaces } from '../query/namespaces.js';
import { newestCheckpoints } from '../query/newest-checkpoints.js';
import type { UserStore } from './auth/users.js';
import { reportAuditorAction, requestActor, requestSource, type AuditorActionHook } from './auditor-action.js';
import type { IntegrityRunner, NamespaceOutcome } from './integrity-runner.js';
import { namespaceView } from './integrity-view.js';
import { reportSummary } from './integrity-words.js';
import { requireRole } from './require-role.js';

export interface IntegrityRouteOptions {
  client: Client;
  users: UserStore;
  runner: IntegrityRunner;
  /** The one namespace the web view reads; default: every namespace with an events data stream. */
  namespace?: string;
  timeZone?: string;
  now: () => Date;
  csrfToken: (req: Request) => string;
  onAuditorAction?: AuditorActionHook;
}

/** Every route of the Integrity page (the access test walks them). */
export const INTEGRITY_PATHS = ['/manage/integrity', '/manage/integrity/verify'] as const;

/** Seconds between reloads of the page while a run is under way (a meta refresh: no JavaScript needed). */
const REFRESH_SECONDS = 2;

/** What to tell when no key is trusted. */
const NO_KEY_HELP = 'No trusted public key is configured, so nothing can be verified. Give the producers’ Ed25519 public keys (PEM files) to the web view: list them in AUDIT_WEB_VERIFY_KEYS (comma-separated paths), or put them as *.pub.pem in the data directory’s keys/ folder, then restart audit-trail serve.';

/**
 * Reports each view of the page (`integrity.view`, answered or refused) and each refused "Verify now" (`integrity.verify`
 * failure) by a signed-in user once answered; a run that starts is reported per namespace when it ends.
 */
function reportRequests(options: IntegrityRouteOptions) {
  return (req: Request, res: Response, next: () => void): void => {
    const kind = req.method === 'GET' && /^\/?$/.test(req.path) ? 'integrity.view' : req.method === 'POST' && req.path === '/verify' ? 'integrity.verify' : undefined;
    const actor = kind && options.onAuditorAction ? requestActor(req, options.users) : undefined;
    if (kind && actor) {
      const time = options.now();
      res.on('close', () => {
        const refusal = (res.locals.integrityRefusal as string | undefined) ?? (res.statusCode >= 400 ? ((res.locals.auditReason as string | undefined) ?? `HTTP ${res.statusCode}`) : undefined);
        if (kind === 'integrity.verify' && refusal === undefined) return;
        const ok = refusal === undefined && res.writableFinished;
        const namespaces = res.locals.integrityNamespaces as string[] | undefined;
        reportAuditorAction(options.onAuditorAction, {
          kind, time, outcome: ok ? 'success' : 'failure', ...(ok ? {} : { reason: refusal ?? 'the answer was cut short' }), actor,
          target: { ...(namespaces ? { namespace: namespaces.join(',') } : {}), status: res.statusCode }, source: requestSource(req),
        });
      });
    }
    next();
  };
}

export function integrityRoutes(options: IntegrityRouteOptions): Router {
  const router = Router();
  const { runner } = options;
  router.use('/manage/integrity', reportRequests(options), requireRole(options.users, AUDIT_ROLES));
  const namespaces = async (): Promise<string[]> => (options.namespace ? [options.namespace] : listEventNamespaces(options.client));

  router.get('/manage/integrity', async (req, res) => {
    const names = await namespaces();
    res.locals.integrityNamespaces = names;
    const running = runner.running;
    const states = await Promise.all(names.map(async (namespace) => {
      const [stored, heads] = await Promise.all([runner.store.get(namespace), newestCheckpoints(options.client, namespace)]);
      const failure = runner.failureOf(namespace);
      return { namespace, heads, ...(stored ? { stored } : {}), ...(failure ? { failure } : {}) };
    }));
    const keys = runner.keys.map((k) => k.keyId);
    res.render('integrity', {
      title: 'Manage > Integrity',
      integrityPage: true,
      csrf: options.csrfToken(req),
      ...(running ? { refreshSeconds: REFRESH_SECONDS } : {}),
      running: running ? { ...running, position: running.namespaces.indexOf(running.current) + 1, count: running.namespaces.length } : undefined,
      keys,
      noKeyHelp: keys.length ? undefined : NO_KEY_HELP,
      canVerify: keys.length > 0 && !running && names.length > 0,
      namespaces: states.map((s) => namespaceView(s, running, options.timeZone)),
    });
  });

  router.post('/manage/integrity/verify', async (req, res) => {
    if (runner.keys.length === 0) {
      res.locals.integrityRefusal = 'no trusted public key';
      res.status(409).render('message', { title: 'Cannot verify', heading: 'Nothing to verify with', message: NO_KEY_HELP, back: '/manage/integrity' });
      return;
    }
    const names = await namespaces();
    res.locals.integrityNamespaces = names;
    const actor = requestActor(req, options.users)!;
    const source = requestSource(req);
    const onDone = (outcome: NamespaceOutcome): void => {
      const ok = 'report' in outcome;
      reportAuditorAction(options.onAuditorAction, {
        kind: 'integrity.verify', time: outcome.startedAt, outcome: ok ? 'success' : 'failure', ...(ok ? {} : { reason: outcome.error }), actor, source,
        target: { namespace: outcome.namespace, ...(ok ? { rows: outcome.report.eventsChecked, result: outcome.report.status, summary: reportSummary(outcome.report) } : {}) },
      });
    };
    if (!names.length) res.locals.integrityRefusal = 'no namespace holds audit events';
    else if (!runner.start(names, actor.type === 'sso_user' ? (actor.name ?? actor.subject ?? actor.issuer) : actor.name, onDone)) res.locals.integrityRefusal = 'a verification is already running';
    res.redirect(303, '/manage/integrity');
  });
  return router;
}
