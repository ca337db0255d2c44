// ok / not ok lines for the browser tests (the protocol of tests/run).
let failed = 0;

/** Print "ok - what" or "not ok - what" (+ detail lines); returns cond. */
export function check(cond, what, detail) {
  if (cond) {
    console.log(`ok - ${what}`);
  } else {
    failed++;
    console.log(`not ok - ${what}`);
    if (detail !== undefined) {
      const text = typeof detail === 'string' ? detail : JSON.stringify(detail);
      for (const line of text.split('\n')) console.log(`    ${line}`);
    }
  }
  return !!cond;
}

/** Number of failed checks so far. */
export function failures() {
  return failed;
}
