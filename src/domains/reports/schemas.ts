import { Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schemas.ts';

const Instant = Type.String({ format: 'date-time' });
const Localised = Type.Object({ es: Type.String(), en: Type.String() }, { additionalProperties: false });

export const OperationsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Start of the window (inclusive); default `to` − 24 h',
      }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'End of the window (exclusive); default now' }),
    ),
  },
  { additionalProperties: false },
);

const Share = Type.Object(
  {
    /** Cases whose outcome can be measured against the target. */
    measured: Type.Integer({ minimum: 0 }),
    within: Type.Integer({ minimum: 0 }),
    /** within / measured, 0–1; null when nothing was measured. */
    share: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

export const OperationsReport = Type.Object(
  {
    from: Instant,
    to: Instant,
    generatedAt: Instant,
    /** The services named anywhere in the report, with their names. */
    services: Type.Array(
      Type.Object({ code: Type.String(), name: Localised }, { additionalProperties: false }),
    ),
    casesPerHour: Type.Object(
      {
        total: Type.Integer({ minimum: 0 }),
        /** Every Mexico City hour of the window, oldest first, zeros included. */
        hours: Type.Array(
          Type.Object(
            {
              start: Instant,
              total: Type.Integer({ minimum: 0 }),
              byService: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    sla: Type.Object(
      {
        dispatched: Share,
        arrived: Share,
        byService: Type.Array(
          Type.Object(
            { serviceCode: Type.String(), dispatched: Share, arrived: Share },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    complaints: Type.Object(
      {
        open: Type.Integer({ minimum: 0 }),
        inProgress: Type.Integer({ minimum: 0 }),
        escalated: Type.Integer({ minimum: 0 }),
        /** Not resolved and past the due date (any of the three above). */
        overdue: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    charges: Type.Object(
      {
        attempted: Type.Integer({ minimum: 0 }),
        succeeded: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0 }),
        /** No final answer yet (the processor did not answer, or a retry is in flight). */
        unknown: Type.Integer({ minimum: 0 }),
        /** succeeded / attempted, 0–1; null when nothing was attempted. */
        successRate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
      },
      { additionalProperties: false },
    ),
    ratings: Type.Object(
      {
        count: Type.Integer({ minimum: 0 }),
        /** 1–5; null when nothing was rated in the window. */
        average: Nullable(Type.Number({ minimum: 1, maximum: 5 })),
        byProvider: Type.Array(
          Type.Object(
            {
              providerId: Type.String(),
              name: Type.String(),
              count: Type.Integer({ minimum: 1 }),
              average: Type.Number({ minimum: 1, maximum: 5 }),
            },
            { additionalProperties: false },
          ),
        ),
        /** Ratings of 1 or 2 with their comments, newest first (at most 20). */
        low: Type.Array(
          Type.Object(
            {
              caseId: Type.String(),
              caseNumber: Type.String(),
              providerId: Type.String(),
              providerName: Type.String(),
              score: Type.Integer({ minimum: 1, maximum: 5 }),
              comment: Nullable(Type.String()),
              ratedAt: Type.String({ format: 'date-time' }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    memberships: Type.Object(
      {
        total: Type.Integer({ minimum: 0 }),
        trial: Type.Integer({ minimum: 0 }),
        active: Type.Integer({ minimum: 0 }),
        past_due: Type.Integer({ minimum: 0 }),
        suspended: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
