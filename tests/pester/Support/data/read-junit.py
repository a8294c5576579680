# Reads a JUnit XML report with junitparser (Debian's python3-junitparser), as CI tools read one, and prints what it
# understood as JSON: the counts of the root and of each suite, and each testcase's name, outcome, message and system-out.
import json
import sys

import junitparser

report = junitparser.JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in report:
    cases = []
    for case in suite:
        results = list(case.result)
        outcome = "passed" if case.is_passed else "skipped" if case.is_skipped else type(results[0]).__name__.lower()
        cases.append({
            "name": case.name,
            "classname": case.classname,
            "time": case.time,
            "outcome": outcome,
            "message": results[0].message if results else None,
            "text": results[0].text if results else None,
            "systemOut": case.system_out,
        })
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                   "skipped": suite.skipped, "cases": cases})
json.dump({"tests": report.tests, "failures": report.failures, "errors": report.errors, "skipped": report.skipped,
           "suites": suites}, sys.stdout)
