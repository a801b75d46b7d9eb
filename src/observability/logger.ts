import { pino, type Logger } from 'pino';

/** JSON logs to stdout (CloudWatch-friendly); LOG_LEVEL sets the level. */
export function createLogger(level: string = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ level, base: { service: 'conveyor' } });
}
