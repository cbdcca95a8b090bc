// TypeScript augmentation of Express's Request: `req.audit(...)` and `req.auditRequestId`, added by `auditTrail()`.
import type { AuditDeclaration } from './declaration.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Declares an audit event; it is written when the response finishes. Set by `auditTrail()`. */
      audit(declaration: AuditDeclaration): void;
      /** The request id (from the configured header, or generated); echoed in the response. Set by `auditTrail()`. */
      auditRequestId: string;
    }
  }
}

export {};
