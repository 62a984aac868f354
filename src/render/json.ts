import type { Report } from '../report.js';

/** The CLI's --json output: one object, the contract of ARCHITECTURE.md (fields may be added, never renamed). */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2);
}
