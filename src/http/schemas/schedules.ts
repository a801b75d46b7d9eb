import { z } from 'zod';
import { NAME_PATTERN, PublishLimits } from '../../domain/constants.js';
import { attributes, jsonValue, shown, text } from './fields.js';

// Bodies with a `.meta({ id })` are the request-body components of docs/openapi.yaml, written there by `npm run generate:openapi`.

export const scheduledMessage = z
  .strictObject(
    {
      body: jsonValue,
      key: text(PublishLimits.keyLength).optional(),
      attributes: attributes.optional(),
    },
    { error: (issue) => `must be an object {body, key?, attributes?}, but ${shown(issue.input)} was provided` },
  )
  .meta({ id: 'ScheduledMessage' });

export const putScheduleBody = z
  .strictObject({
    topic: text(48, 1)
      .regex(NAME_PATTERN, { error: (issue) => `must match ${NAME_PATTERN.source}, but ${shown(issue.input)} was provided` })
      .meta({ id: 'Name' }),
    cron: text(256, 1).meta({
      description: '5-field cron expression (`minute hour day-of-month month day-of-week`), or 6 fields with seconds first.',
      examples: ['*/5 * * * *', '0 0 7 * * 1-5'],
    }),
    timezone: text(64, 1).default('UTC').meta({ description: 'IANA time zone the cron expression is evaluated in.' }),
    message: scheduledMessage,
  })
  .meta({ id: 'ScheduleInput' });
