// The seed scenario (engine 6.x): the replacement warning must be read before any diff, in Slack and in the terminal.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { diagnose } from '../../src/engine.js';
import { renderReply } from '../../src/render/blocks.js';
import { renderText } from '../../src/render/text.js';

const SEED = readFileSync(new URL('../../examples/seed-python-lambda.log', import.meta.url), 'utf8');
const TF = new URL('../fixtures/terraform/seed', import.meta.url).pathname;

it('puts the replacement warning above every Terraform diff', async () => {
  const report = await diagnose({ text: SEED, terraformDir: TF });
  expect(report.fix.warnings.join(' ')).toMatch(/replace/i);
  expect(report.fix.terraformChanges?.length ?? 0).toBeGreaterThan(0);

  const text = renderText(report);
  expect(text.indexOf('## Warnings')).toBeGreaterThan(-1);
  expect(text.indexOf('## Warnings')).toBeLessThan(text.indexOf('## Terraform'));

  const blocks = JSON.stringify(renderReply(report).blocks);
  const firstWarning = blocks.indexOf(':warning:');
  const firstDiff = blocks.indexOf('*Terraform*');
  expect(firstWarning).toBeGreaterThan(-1);
  expect(firstWarning).toBeLessThan(firstDiff);
});
