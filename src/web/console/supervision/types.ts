import type { Static } from '@sinclair/typebox';
import type { AdminPlanList, PublishedVersion } from '../../../domains/catalog/schemas.ts';
import type { OperationsReport as OperationsReportSchema } from '../../../domains/reports/schemas.ts';

export type OperationsReport = Static<typeof OperationsReportSchema>;
export type AdminPlan = Static<typeof AdminPlanList>['data'][number];
export type AdminPlanVersion = AdminPlan['versions'][number];
export type Published = Static<typeof PublishedVersion>;
