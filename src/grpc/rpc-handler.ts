// Wraps async RPC implementations as grpc-js handlers: every throw (sync or async) becomes a status via
// status-codes.ts, so no client input can crash the server or leave a call unanswered.
import { status, type handleUnaryCall, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../runtime/logger.js';
import { toServiceError, unimplemented } from './status-codes.js';

export function unary<Req, Res>(
  logger: Logger,
  method: string,
  fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const serviceError = toServiceError(error);
          if (serviceError.code === status.INTERNAL || serviceError.code === status.UNKNOWN) {
            logger.error({ err: error, method }, 'RPC failed');
          } else {
            logger.debug({ method, code: serviceError.code, details: serviceError.details }, 'RPC refused');
          }
          callback(serviceError);
        },
      );
  };
}

export function unimplementedUnary<Req, Res>(method: string, why: string): handleUnaryCall<Req, Res> {
  return (_call, callback) => callback(unimplemented(method, why));
}
