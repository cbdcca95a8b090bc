// The one access rule of the web view: signed in, and holding one of the allowed roles.
import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '../model/vocabulary.js';
import type { UserStore } from './auth/users.js';
import { signedInUser } from './oidc/sso-session.js';

/** What a refused user is told: the page's name and, for their role, the rule in a sentence. */
export interface PageRule {
  page: string;
  rule: (role: Role, roles: readonly Role[]) => string;
}

/** Manage > Audit and the pages of the audit log (Integrity, the live tail). */
export const AUDIT_PAGE: PageRule = { page: 'Manage > Audit', rule: (_role, roles) => `Only ${roles.join(' and ')} may see the audit log` };

/**
 * Anonymous → 303 to the sign-in page (coming back afterwards); signed in without an allowed role → 403 page
 * saying why (`onRefused` hears of it, with the reason). The role is read from the user store on every request, so
 * a changed role applies at once.
 */
export function requireRole(users: UserStore, roles: readonly Role[], page: PageRule = AUDIT_PAGE, onRefused?: (req: Request, res: Response, reason: string) => void): RequestHandler {
  return (req, res, next) => {
    const user = signedInUser(req, users);
    if (!user) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (!roles.includes(user.role)) {
      res.locals.auditReason = `the role '${user.role}' may not open ${page.page}`;
      onRefused?.(req, res, res.locals.auditReason as string);
      res.status(403).render('message', {
        title: 'Not allowed',
        heading: `You cannot open ${page.page}`,
        message: `You are signed in as ${user.username} with the role '${user.role}'. ${page.rule(user.role, roles)}; ask a site manager to change your role.`,
      });
      return;
    }
    res.locals.user = user;
    next();
  };
}
