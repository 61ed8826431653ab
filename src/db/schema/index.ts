export * from './audit.ts';
export * from './catalog.ts';
export * from './entitlements.ts';
export * from './identity.ts';
export * from './members.ts';
export * from './payments.ts';
export * from './platform.ts';
