import { z } from 'zod';
import { NAME_PATTERN, PublishLimits } from '../../domain/constants.js';
import { attributes, jsonValue, shown, text } from './fields.js';

export const putScheduleBody = z.strictObject({
  topic: text(48, 1).regex(NAME_PATTERN, { error: (issue) => `must match ${NAME_PATTERN.source}, but ${shown(issue.input)} was provided` }),
  cron: text(256, 1),
  timezone: text(64, 1).default('UTC'),
  message: z.strictObject(
    {
      body: jsonValue,
      key: text(PublishLimits.keyLength).optional(),
      attributes: attributes(PublishLimits.attributes).optional(),
    },
    { error: (issue) => `must be an object {body, key?, attributes?}, but ${shown(issue.input)} was provided` },
  ),
});
