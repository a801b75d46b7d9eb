// Handlers log through pino; tests keep stdout for jest's own report.
process.env['LOG_LEVEL'] ??= 'silent';
