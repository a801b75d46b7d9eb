import { ErrorCode } from '../domain/errors.js';

/** The only place where an error code becomes an HTTP status. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.InvalidName]: 400,
  [ErrorCode.InvalidFilter]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.TopicNotFound]: 404,
  [ErrorCode.SubscriptionNotFound]: 404,
  [ErrorCode.ScheduleNotFound]: 404,
  [ErrorCode.DelayedMessageNotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.RequestTimeout]: 408,
  [ErrorCode.HeadersTooLarge]: 431,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.Internal]: 500,
  [ErrorCode.Unavailable]: 503,
  // Insufficient Storage: the deployment cannot store more of this kind until a quota is raised; retrying does not help.
  [ErrorCode.QuotaExceeded]: 507,
};
