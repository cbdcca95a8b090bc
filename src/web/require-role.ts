// The one access rule of the web view: signed in, and holding one of the allowed roles.
import type { RequestHandler } from 'express';
import type { Role } from '../model/vocabulary.js';
import type { UserStore } from './auth/users.js';
import { signedInUser } from './oidc/sso-session.js';

/**
 * Anonymous → 303 to the sign-in page (coming back afterwards); signed in without an allowed role → 403 page
 * saying why. The role is read from the user store on every request, so a changed role applies at once.
 */
export function requireRole(users: UserStore, roles: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    const user = signedInUser(req, users);
    if (!user) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (!roles.includes(user.role)) {
      res.locals.auditReason = `the role '${user.role}' may not open Manage > Audit`;
      res.status(403).render('message', {
        title: 'Not allowed',
        heading: 'You cannot open Manage > Audit',
        message: `You are signed in as ${user.username} with the role '${user.role}'. Only ${roles.join(' and ')} may see the audit log; ask a site manager to change your role.`,
      });
      return;
    }
    res.locals.user = user;
    next();
  };
}
