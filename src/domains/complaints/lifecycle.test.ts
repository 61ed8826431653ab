import { describe, expect, it } from 'vitest';
import { type ComplaintAction, type ComplaintStatus, isOverdue, move } from './lifecycle.ts';

describe('complaint lifecycle', () => {
  const cases: [ComplaintStatus, ComplaintAction, 'agent' | 'supervisor' | 'system', boolean, string][] = [
    ['open', 'take', 'agent', false, 'in_progress'],
    ['open', 'escalate', 'agent', false, 'escalated'],
    ['open', 'escalate', 'system', false, 'escalated'],
    ['open', 'resolve', 'supervisor', false, 'COMPLAINT_TRANSITION_INVALID'],
    ['in_progress', 'resolve', 'agent', true, 'resolved'],
    ['in_progress', 'resolve', 'agent', false, 'COMPLAINT_NOT_YOURS'],
    ['in_progress', 'resolve', 'supervisor', false, 'resolved'],
    ['in_progress', 'escalate', 'agent', false, 'escalated'],
    ['in_progress', 'escalate', 'system', false, 'escalated'],
    ['in_progress', 'take', 'agent', true, 'COMPLAINT_ALREADY_TAKEN'],
    ['in_progress', 'take', 'supervisor', false, 'COMPLAINT_ALREADY_TAKEN'],
    ['escalated', 'take', 'supervisor', false, 'in_progress'],
    ['escalated', 'resolve', 'supervisor', false, 'resolved'],
    ['escalated', 'take', 'agent', false, 'COMPLAINT_SUPERVISOR_REQUIRED'],
    ['escalated', 'resolve', 'agent', false, 'COMPLAINT_SUPERVISOR_REQUIRED'],
    ['escalated', 'escalate', 'supervisor', false, 'COMPLAINT_TRANSITION_INVALID'],
    ['resolved', 'take', 'supervisor', false, 'COMPLAINT_TRANSITION_INVALID'],
    ['resolved', 'resolve', 'supervisor', true, 'COMPLAINT_TRANSITION_INVALID'],
    ['resolved', 'escalate', 'system', false, 'COMPLAINT_TRANSITION_INVALID'],
  ];
  it.each(cases)('%s + %s by %s (owner: %s) → %s', (status, action, worker, isOwner, expected) => {
    const result = move(status, action, worker, isOwner);
    expect('to' in result ? result.to : result.refused).toBe(expected);
  });

  it('is overdue when not resolved and past its due date', () => {
    const due = new Date('2026-12-02T20:05:00Z');
    const after = new Date('2026-12-02T20:05:01Z');
    expect(isOverdue('open', due, due)).toBe(false);
    expect(isOverdue('open', due, after)).toBe(true);
    expect(isOverdue('escalated', due, after)).toBe(true);
    expect(isOverdue('resolved', due, after)).toBe(false);
  });
});
