/**
 * The OpenAPI description's per-operation facts that no route declares, kept in one place so that
 * routes added on several branches at once never edit the same lines of each other's routes.ts.
 * Keys are `METHOD /path` as the description spells them (`{id}`, not `:id`). A route missing
 * here fails test/openapi-contract.test.ts, which says the line to add.
 */

/**
 * Stable operationIds: what generated clients name their methods and the docs page its anchors
 * (`#/memberships/createMembership`). Renaming one breaks partners' generated code: add, never
 * rename.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  // platform
  'GET /health': 'getHealth',
  'GET /health/live': 'getLiveness',
  'GET /health/ready': 'getReadiness',
  'GET /v1/web-config': 'getWebConfig',
  // imports
  'POST /v1/imports/members': 'importMembers',
  'GET /v1/imports/{id}': 'getImport',
  'GET /v1/imports/{id}/errors.csv': 'getImportErrors',
  // catalog
  'GET /v1/plans': 'listPlans',
  'GET /v1/plans/{code}': 'getPlan',
  'GET /v1/admin/plans': 'listPlanVersions',
  'POST /v1/admin/plans/{code}/versions': 'publishPlanVersion',
  // identity
  'POST /v1/auth/login': 'signIn',
  'POST /v1/auth/logout': 'signOut',
  'GET /v1/me': 'getMe',
  'GET /v1/me/sessions': 'listMySessions',
  'DELETE /v1/me/sessions/{id}': 'endMySession',
  'POST /v1/me/password': 'changeMyPassword',
  'POST /v1/account-activations': 'startAccountActivation',
  'POST /v1/account-activations/{id}/confirm': 'confirmAccountActivation',
  'POST /v1/beneficiary-invitations/{token}/accept': 'acceptBeneficiaryInvitation',
  // admin
  'GET /v1/admin/users': 'listUsers',
  'POST /v1/admin/users': 'createUser',
  'POST /v1/admin/users/{id}/disable': 'disableUser',
  'POST /v1/admin/users/{id}/enable': 'enableUser',
  'POST /v1/admin/users/{id}/unlock': 'unlockUserSignIn',
  'GET /v1/admin/api-keys': 'listApiKeys',
  'POST /v1/admin/api-keys': 'createApiKey',
  'DELETE /v1/admin/api-keys/{id}': 'revokeApiKey',
  // audit, reports
  'GET /v1/audit': 'listAuditEntries',
  'GET /v1/reports/operations': 'getOperationsReport',
  // memberships
  'GET /v1/legal': 'getLegalVersions',
  'POST /v1/memberships': 'createMembership',
  'POST /v1/memberships/validation': 'validateMembership',
  'GET /v1/memberships': 'searchMemberships',
  'GET /v1/memberships/export': 'exportMemberships',
  'GET /v1/me/memberships': 'listMyMemberships',
  'GET /v1/me/coverage': 'getMyCoverage',
  'GET /v1/memberships/{id}': 'getMembership',
  'GET /v1/memberships/{id}/verification': 'getCallerVerification',
  'POST /v1/memberships/{id}/verifications': 'verifyCaller',
  'GET /v1/memberships/{id}/events': 'listMembershipEvents',
  'PUT /v1/memberships/{id}/card': 'replaceMembershipCard',
  'PUT /v1/memberships/{id}/contact': 'updateMembershipContact',
  'GET /v1/memberships/{id}/beneficiaries': 'listBeneficiaries',
  'POST /v1/memberships/{id}/beneficiaries': 'addBeneficiary',
  'DELETE /v1/memberships/{id}/beneficiaries/{beneficiaryId}': 'removeBeneficiary',
  'POST /v1/memberships/{id}/beneficiaries/{beneficiaryId}/invitations': 'inviteBeneficiary',
  'GET /v1/memberships/{id}/beneficiary-access': 'getBeneficiaryAccess',
  'DELETE /v1/memberships/{id}/beneficiaries/{beneficiaryId}/access': 'revokeBeneficiaryAccess',
  // entitlements
  'POST /v1/eligibility/checks': 'checkEligibility',
  'GET /v1/memberships/{id}/usage': 'getMembershipUsage',
  // cases
  'POST /v1/cases': 'createCase',
  'GET /v1/cases': 'listCases',
  'GET /v1/cases/export': 'exportCases',
  'GET /v1/cases/live': 'followCaseBoard',
  'GET /v1/cases/{id}': 'getCase',
  'GET /v1/cases/{id}/events': 'followCase',
  'POST /v1/cases/{id}/cancel': 'cancelCase',
  'POST /v1/cases/{id}/rating': 'rateCase',
  'PUT /v1/cases/{id}/place': 'correctCasePlace',
  'GET /v1/sla-targets': 'listSlaTargets',
  'PUT /v1/sla-targets/{serviceCode}': 'setSlaTarget',
  'POST /v1/cases/{id}/location-links': 'createLocationLink',
  'GET /v1/location-links/{token}': 'getLocationLink',
  'POST /v1/location-links/{token}': 'shareLocation',
  'POST /v1/cases/{id}/excess-acceptance': 'answerCaseExcess',
  'POST /v1/cases/{id}/assignment': 'assignCaseProvider',
  // claims
  'POST /v1/cases/{id}/documents': 'uploadClaimDocument',
  'GET /v1/cases/{id}/documents': 'listClaimDocuments',
  'GET /v1/cases/{id}/documents/{documentId}': 'getClaimDocument',
  'POST /v1/cases/{id}/review': 'reviewClaim',
  // billing
  'GET /v1/memberships/{id}/charges': 'listMembershipCharges',
  'GET /v1/charges': 'listCharges',
  'GET /v1/charges/export': 'exportCharges',
  'GET /v1/refunds/export': 'exportRefunds',
  'GET /v1/direct-debits/{date}/file': 'exportDirectDebitFile',
  'POST /v1/imports/direct-debit-answers': 'importDirectDebitAnswers',
  'GET /v1/charges/{id}': 'getCharge',
  'GET /v1/charges/{id}/receipt.pdf': 'getChargeReceiptPdf',
  'GET /v1/events': 'listEvents',
  'POST /v1/webhook-endpoints': 'createWebhookEndpoint',
  'GET /v1/webhook-endpoints': 'listWebhookEndpoints',
  'GET /v1/webhook-endpoints/{id}': 'getWebhookEndpoint',
  'DELETE /v1/webhook-endpoints/{id}': 'deleteWebhookEndpoint',
  'POST /v1/webhook-endpoints/{id}/secret-rotations': 'rotateWebhookSecret',
  'POST /v1/webhook-endpoints/{id}/enable': 'enableWebhookEndpoint',
  'GET /v1/webhook-endpoints/{id}/deliveries': 'listWebhookDeliveries',
  'POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay': 'replayWebhookDelivery',
  // test clocks (sandbox)
  'POST /v1/test-clocks': 'createTestClock',
  'GET /v1/test-clocks': 'listTestClocks',
  'GET /v1/test-clocks/{id}': 'getTestClock',
  'POST /v1/test-clocks/{id}/advance': 'advanceTestClock',
  'DELETE /v1/test-clocks/{id}': 'deleteTestClock',
  'POST /v1/charges/{id}/retry': 'retryCharge',
  'POST /v1/charges/{id}/refunds': 'refundCharge',
  'POST /v1/billing/runs': 'startBillingRun',
  'GET /v1/billing/runs': 'listBillingRuns',
  'GET /v1/billing/runs/{id}': 'getBillingRun',
  // invoicing
  'POST /v1/charges/{id}/invoice': 'invoiceCharge',
  'GET /v1/invoices/{id}': 'getInvoice',
  'GET /v1/invoices/{id}/xml': 'getInvoiceXml',
  'GET /v1/invoices/{id}/pdf': 'getInvoicePdf',
  'POST /v1/invoices/{id}/cancellation': 'cancelInvoice',
  'POST /v1/invoices/{id}/substitution': 'substituteInvoice',
  'POST /v1/invoices/global': 'issueGlobalInvoice',
  'GET /v1/memberships/{id}/invoices': 'listMembershipInvoices',
  'GET /v1/memberships/{id}/fiscal-data': 'getFiscalData',
  'PUT /v1/memberships/{id}/fiscal-data': 'setFiscalData',
  // cancellation
  'GET /v1/memberships/{id}/cancellation': 'previewCancellation',
  'POST /v1/memberships/{id}/cancellation': 'cancelMembership',
  // complaints
  'POST /v1/complaints': 'createComplaint',
  'GET /v1/complaints': 'listComplaints',
  'GET /v1/complaints/{id}': 'getComplaint',
  'POST /v1/complaints/{id}/take': 'takeComplaint',
  'POST /v1/complaints/{id}/notes': 'addComplaintNote',
  'POST /v1/complaints/{id}/resolve': 'resolveComplaint',
  'POST /v1/complaints/{id}/escalate': 'escalateComplaint',
  // privacy
  'POST /v1/arco-requests': 'createArcoRequest',
  'GET /v1/arco-requests': 'listArcoRequests',
  'GET /v1/arco-requests/{id}': 'getArcoRequest',
  'POST /v1/arco-requests/{id}/answer': 'answerArcoRequest',
  'GET /v1/arco-requests/{id}/delivery': 'getArcoDelivery',
  // messages
  'GET /v1/memberships/{id}/messages': 'listMembershipMessages',
  'POST /v1/messages/{id}/resend': 'resendMessage',
  'GET /v1/memberships/{id}/notification-preferences': 'getNotificationPreferences',
  'PUT /v1/memberships/{id}/notification-preferences': 'setNotificationPreferences',
  // providers (the network, as staff see it)
  'GET /v1/providers': 'listProviders',
  'POST /v1/providers': 'createProvider',
  'GET /v1/providers/{id}': 'getProvider',
  'PUT /v1/providers/{id}/availability': 'setProviderAvailability',
  'GET /v1/cases/{id}/candidates': 'listCaseCandidates',
  // provider (a provider's own side)
  'GET /v1/provider': 'getOwnProvider',
  'PUT /v1/provider/availability': 'setOwnAvailability',
  'GET /v1/provider/offers': 'listOwnOffers',
  'GET /v1/provider/jobs': 'listOwnJobs',
  'GET /v1/provider/jobs/{id}': 'getOwnJob',
  'POST /v1/offers/{id}/accept': 'acceptOffer',
  'POST /v1/offers/{id}/decline': 'declineOffer',
  'PUT /v1/provider/location': 'reportOwnLocation',
  'POST /v1/cases/{id}/status': 'reportCaseProgress',
  'PUT /v1/cases/{id}/unit': 'setCaseUnit',
  // appointments
  'POST /v1/cases/{id}/booking': 'bookAppointment',
  'POST /v1/provider/slots': 'publishSlot',
  'GET /v1/providers/{id}/slots': 'listProviderSlots',
  // remote consultations
  'GET /v1/remote/queue': 'listRemoteQueue',
  'POST /v1/cases/{id}/take': 'takeRemoteCase',
  'POST /v1/cases/{id}/outcome': 'closeRemoteCase',
  'GET /v1/cases/{id}/notes': 'listConsultationNotes',
  // places
  'GET /v1/places/postal-codes/{cp}': 'getPostalCode',
  'POST /v1/places/geocode': 'geocodeAddress',
  // payments (sandbox only)
  'POST /v1/sandbox/card-tokens': 'createSandboxCardToken',
};

/**
 * Public operations whose answer depends on who calls: contracting's channel follows the caller
 * (no one: online; an agent: phone; a partner key with `memberships:write`: bank). Their security
 * lists the credentials as optional, so the docs page sends a key it was given.
 */
export const ANSWER_FOLLOWS_CALLER: ReadonlySet<string> = new Set([
  'POST /v1/memberships',
  'POST /v1/memberships/validation',
]);

/** `GET /v1/plans/{code}` for a route's method and Fastify URL (`/v1/plans/:code`). */
export function operationKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

const pascal = (words: string) =>
  words
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * A readable camelCase id for a route missing from the table, what the failing test proposes:
 * `GET /v1/complaints/{id}` getComplaint, `GET /v1/memberships/{id}/charges` listMembershipCharges,
 * `POST /v1/complaints/{id}/escalate` escalateComplaint. A proposal: the table decides.
 */
export function suggestOperationId(key: string): string {
  const [method = 'GET', path = '/'] = key.split(' ');
  const parts = path.split('/').filter((part) => part && part !== 'v1');
  const isParam = (part: string | undefined) => part?.startsWith('{') ?? false;
  const singular = (word: string) => word.replace(/ies$/, 'y').replace(/([^su])s$/, '$1');
  // A collection followed by a parameter names one record of it.
  const nouns = parts.flatMap((part, i) =>
    isParam(part) ? [] : [isParam(parts[i + 1]) ? singular(part) : part],
  );
  const last = parts.at(-1) ?? '';
  const onRecord = isParam(parts.at(-2)) && !isParam(last);
  if (method === 'POST' && onRecord && singular(last) === last) {
    // An action on a record (`/complaints/{id}/escalate`), not a collection under it.
    return `${last.split(/[-_]/)[0]}${pascal(last.split(/[-_]/).slice(1).join('-'))}${pascal(nouns.slice(0, -1).join('-'))}`;
  }
  const verb =
    method === 'GET'
      ? isParam(last)
        ? 'get'
        : 'list'
      : ({ POST: 'create', PUT: 'set', PATCH: 'update', DELETE: 'delete' }[method] ?? method.toLowerCase());
  const object = method === 'POST' && !isParam(last) ? [...nouns.slice(0, -1), singular(last)] : nouns;
  return `${verb}${pascal(object.join('-'))}`;
}
