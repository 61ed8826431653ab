/** Named examples (OpenAPI Example Objects) of an operation's request body and answers. */
export interface OperationExamples {
  body?: Record<string, { summary: string; value: unknown }>;
  responses?: Record<string, Record<string, { summary: string; value: unknown }>>;
}

export const OPERATION_EXAMPLES: Readonly<Record<string, OperationExamples>> = {};
