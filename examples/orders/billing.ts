import { consume } from 'conveyor/lambda';

/** How long each charge takes (a slow consumer), and an order id that crashes the process (a crash). */
const slowMs = Number(process.env['BILLING_SLOW_MS'] ?? 0);
const crashOn = process.env['BILLING_CRASH_ON'];

/**
 * Charges each order once. The same module runs as a Lambda function behind
 * the subscription's queue and locally under `npx conveyor consume`.
 */
export const handler = consume(
  async (message, { logger }) => {
    const order = message.body as { orderId?: string; total?: number };
    if (order.orderId === crashOn) process.exit(1);
    if (typeof order.total !== 'number' || order.total < 0) throw new Error(`order ${order.orderId ?? message.id} has no valid total`);
    if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
    logger.info('charged', { orderId: order.orderId, total: order.total, attempt: message.deliveryAttempt });
  },
  {
    ...(process.env['IDEMPOTENCY_TABLE'] === undefined ? {} : { idempotency: { tableName: process.env['IDEMPOTENCY_TABLE'] } }),
  },
);
