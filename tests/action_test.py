#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs the GitHub Actions composite action (action.yml) the way the runner
does, and checks what it leaves behind.

The runner's part is small and done here: the inputs with their defaults
(required ones enforced, unknown ones refused), ${{ inputs.* }}, github.*
and steps.*.outputs expressions, each step as `bash --noprofile --norc -eo
pipefail` in the workspace with GITHUB_ACTION_PATH, GITHUB_OUTPUT,
GITHUB_PATH, GITHUB_STEP_SUMMARY and RUNNER_TEMP, directories added to
GITHUB_PATH put on PATH for the later steps, and the action's outputs. The
install step installs the Debian package that the package test built, so
`npcheck` in the run step is the installed one (no build tree is on PATH).

Scenarios, in scratch git repositories made from testdata/:
  pull request  lint, check (failing expectations) and diff against main
                (a policy file removed, --fail-on added), with a comment
                posted through a stand-in `gh` that records its calls; run
                twice, so that the second run edits the first comment;
  clean         check alone, passing, into another output directory;
  bad input     manifests that do not exist: status 2 and a JUnit <error>.
In each, the reports and statuses must equal what the same npcheck prints
when run directly. Exits 77 (skipped) without PyYAML or git.

  action_test.py --source DIR --package-dir DIR
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

def skip(tool):
    """A missing tool skips the test (77), or fails it under NPCHECK_REQUIRE_TOOLS=1 (CI)."""
    print(f"{tool} not installed (scripts/install-deps test): skipped")
    if os.environ.get("NPCHECK_REQUIRE_TOOLS") == "1":
        print("NPCHECK_REQUIRE_TOOLS=1: failing instead")
        sys.exit(1)
    sys.exit(77)


try:
    import yaml
except ImportError:
    skip("PyYAML (python3-yaml)")

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class ActionRun:
    def __init__(self, status, outputs, log, summary):
        self.status = status
        self.outputs = outputs
        self.log = log
        self.summary = summary


def lookup(path, context):
    value = context
    for part in path.split("."):
        if not isinstance(value, dict):
            raise KeyError(path)
        if part not in value:
            if path.startswith(("github.", "steps.")):
                return ""  # the runner gives '' for a missing property
            raise KeyError(path)
        value = value[part]
    return "" if value is None else str(value)


def evaluate(text, context):
    return EXPRESSION.sub(lambda m: lookup(m.group(1), context), str(text))


def run_action(source, workspace, temp, inputs, github, path, extra_env):
    with open(os.path.join(source, "action.yml")) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "action.yml must be a composite action"
    unknown = set(inputs) - set(action["inputs"])
    assert not unknown, f"inputs not declared in action.yml: {sorted(unknown)}"
    context = {"github": github, "steps": {}, "inputs": {}}
    for name, spec in action["inputs"].items():
        if name in inputs:
            context["inputs"][name] = inputs[name]
        else:
            assert not spec.get("required"), f"required input {name} not given"
            context["inputs"][name] = evaluate(spec.get("default", ""), context)

    os.makedirs(temp, exist_ok=True)
    summary_file = os.path.join(temp, "step-summary.md")
    path_file = os.path.join(temp, "github-path")
    open(summary_file, "w").close()
    open(path_file, "w").close()
    added_paths = []
    log = ""
    status = 0
    for index, step in enumerate(action["runs"]["steps"]):
        assert step.get("shell") == "bash", f"step {index} must say shell: bash"
        output_file = os.path.join(temp, f"github-output-{index}")
        open(output_file, "w").close()
        env = {
            "PATH": ":".join(added_paths + [path]),
            "HOME": temp,
            "LANG": "C.UTF-8",
            "GITHUB_ACTION_PATH": source,
            "GITHUB_WORKSPACE": workspace,
            "GITHUB_OUTPUT": output_file,
            "GITHUB_PATH": path_file,
            "GITHUB_STEP_SUMMARY": summary_file,
            "RUNNER_TEMP": temp,
        }
        env.update(extra_env)
        for key, value in (step.get("env") or {}).items():
            env[key] = evaluate(value, context)
        script = os.path.join(temp, f"step-{index}.sh")
        with open(script, "w") as f:
            f.write(evaluate(step["run"], context) + "\n")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                              cwd=workspace, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        log += f"--- step {step.get('name', index)} (exit {proc.returncode})\n{proc.stdout}"
        outputs = {}
        with open(output_file) as f:
            for line in f.read().splitlines():
                key, _, value = line.partition("=")
                outputs[key] = value
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs}
        with open(path_file) as f:
            added_paths = [p for p in reversed(f.read().splitlines()) if p]
        if proc.returncode != 0:
            status = proc.returncode
            break
    outputs = {name: evaluate(spec["value"], context) for name, spec in action.get("outputs", {}).items()}
    with open(summary_file) as f:
        summary = f.read()
    return ActionRun(status, outputs, log, summary)


def git(workspace, *args):
    subprocess.run(["git", "-c", "user.name=npcheck test", "-c", "user.email=test@npcheck.invalid",
                    "-c", "init.defaultBranch=main", *args], cwd=workspace, check=True,
                   stdout=subprocess.DEVNULL)


def npcheck_direct(npcheck, workspace, *args):
    proc = subprocess.run([npcheck, *args], cwd=workspace, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    return proc.returncode, proc.stdout


def without_times(xml):
    return re.sub(r' time="[0-9.]+"', ' time="T"', xml)


FAKE_GH = """#!/bin/sh
# A stand-in for the GitHub CLI: records its arguments; `--edit-last` fails
# until a comment exists, as gh does on a pull request without one.
echo "gh $*" >>"$GH_CALLS"
case " $* " in
  *" --edit-last "*) [ -f "$GH_COMMENT" ] || { echo "no comments found for current user" >&2; exit 1; } ;;
esac
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cp "$2" "$GH_COMMENT"; fi
  shift
done
"""


class Checker:
    def __init__(self):
        self.failures = 0

    def equal(self, what, actual, expected):
        if actual == expected:
            print(f"ok   {what}")
        else:
            self.failures += 1
            print(f"FAIL {what}\n     expected: {expected!r}\n     actual:   {actual!r}")

    def true(self, what, condition):
        self.equal(what, bool(condition), True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--package-dir", required=True)
    args = parser.parse_args()
    if shutil.which("git") is None:
        skip("git")
    source = os.path.abspath(args.source)
    debs = glob.glob(os.path.join(args.package_dir, "npcheck_*.deb"))
    assert len(debs) == 1, f"expected one npcheck .deb in {args.package_dir} (the package test makes it): {debs}"
    deb = debs[0]
    testdata = os.path.join(source, "testdata")
    check = Checker()
    scratch = tempfile.mkdtemp(prefix="npcheck-action-")
    try:
        system_path = "/usr/local/bin:/usr/bin:/bin"
        fake_bin = os.path.join(scratch, "fake-bin")
        os.makedirs(fake_bin)
        with open(os.path.join(fake_bin, "gh"), "w") as f:
            f.write(FAKE_GH)
        os.chmod(os.path.join(fake_bin, "gh"), 0o755)
        gh_calls = os.path.join(scratch, "gh-calls")
        gh_comment = os.path.join(scratch, "gh-comment.md")
        gh_env = {"GH_CALLS": gh_calls, "GH_COMMENT": gh_comment}
        path = fake_bin + ":" + system_path

        # ---- pull request ----------------------------------------------
        ws = os.path.join(scratch, "pull-request")
        shutil.copytree(os.path.join(testdata, "example-shop", "manifests"), os.path.join(ws, "manifests"))
        shutil.copy(os.path.join(testdata, "check-shop", "expectations.yaml"), ws)
        git(ws, "init", "-q")
        git(ws, "add", ".")
        git(ws, "commit", "-q", "-m", "base")
        git(ws, "checkout", "-q", "-b", "change")
        git(ws, "rm", "-q", "manifests/monitoring/policies.yaml")
        git(ws, "commit", "-q", "-m", "drop the monitoring policies")
        inputs = {"manifests": "manifests", "expectations": "expectations.yaml", "base-ref": "main",
                  "diff-fail-on": "added", "comment": "true", "npcheck-deb": deb}
        github = {"token": "t0ken", "repository": "example/shop",
                  "event": {"pull_request": {"number": 7}}}
        temp = os.path.join(scratch, "runner-temp-1")
        run = run_action(source, ws, temp, inputs, github, path, gh_env)
        print(run.log)
        installed = os.path.join(temp, "npcheck", "usr", "bin", "npcheck")
        check.true("the install step extracted the package", os.access(installed, os.X_OK))
        lint_rc, lint_text = npcheck_direct(installed, ws, "lint", "-f", "manifests")
        _, sarif = npcheck_direct(installed, ws, "lint", "-f", "manifests", "-o", "sarif")
        check_rc, check_text = npcheck_direct(installed, ws, "check", "-f", "manifests", "--expect",
                                              "expectations.yaml")
        _, junit = npcheck_direct(installed, ws, "check", "-f", "manifests", "--expect",
                                  "expectations.yaml", "-o", "junit")
        diff_rc, _ = npcheck_direct(installed, ws, "diff", "--base-ref", "main", "--head", "manifests",
                                    "--fail-on", "added")
        _, md = npcheck_direct(installed, ws, "diff", "--base-ref", "main", "--head", "manifests",
                               "-o", "md")
        check.equal("check fails on the shop expectations", check_rc, 1)
        check.equal("dropping a policy adds connections", diff_rc, 1)
        check.equal("action exit status", run.status, max(lint_rc, check_rc, diff_rc))
        check.equal("outputs", run.outputs, {"lint-status": str(lint_rc), "check-status": "1",
                                             "diff-status": "1", "report-dir": "npcheck-reports"})
        reports = os.path.join(ws, "npcheck-reports")
        check.equal("reports written", sorted(os.listdir(reports)),
                    ["npcheck-check.xml", "npcheck-diff.md", "npcheck-lint.sarif"])
        check.equal("SARIF report", open(os.path.join(reports, "npcheck-lint.sarif")).read(), sarif)
        check.equal("JUnit report", without_times(open(os.path.join(reports, "npcheck-check.xml")).read()),
                    without_times(junit))
        check.equal("Markdown diff", open(os.path.join(reports, "npcheck-diff.md")).read(), md)
        check.true("the diff lists added connections", "\n#### Connections added (" in md)
        check.equal("gh calls", open(gh_calls).read().splitlines(),
                    ["gh pr comment 7 --edit-last --body-file npcheck-reports/npcheck-diff.md",
                     "gh pr comment 7 --body-file npcheck-reports/npcheck-diff.md"])
        check.equal("comment posted", open(gh_comment).read(), md)
        check.true("job summary has the check report", f"### check (exit status 1)\n\n```\n{check_text}```" in run.summary)
        check.true("job summary has the lint report", f"### lint (exit status {lint_rc})\n\n```\n{lint_text}```" in run.summary)
        check.true("job summary has the diff", md in run.summary)

        # The second run of the same pull request edits its comment.
        os.remove(gh_calls)
        run = run_action(source, ws, os.path.join(scratch, "runner-temp-2"), inputs, github, path, gh_env)
        check.equal("second run status", run.status, max(lint_rc, check_rc, diff_rc))
        check.equal("second run edits the comment", open(gh_calls).read().splitlines(),
                    ["gh pr comment 7 --edit-last --body-file npcheck-reports/npcheck-diff.md"])

        # ---- clean -------------------------------------------------------
        ws = os.path.join(scratch, "clean")
        shutil.copytree(os.path.join(testdata, "example-shop", "manifests"), os.path.join(ws, "deploy"))
        with open(os.path.join(ws, "needs.yaml"), "w") as f:
            f.write("expectations:\n"
                    "  - name: the frontend reaches the backend API\n"
                    "    from: {namespace: shop, selector: {app: frontend}}\n"
                    "    to: {namespace: shop, selector: {app: backend}}\n"
                    "    ports: [\"TCP/8081\"]\n"
                    "    expect: allow\n")
        os.remove(gh_calls)
        run = run_action(source, ws, os.path.join(scratch, "runner-temp-3"),
                         {"manifests": "deploy", "expectations": "needs.yaml", "lint": "false",
                          "output-dir": "out/npcheck", "comment": "true", "npcheck-deb": deb},
                         {"token": "t", "repository": "example/shop", "event": {}}, path, gh_env)
        print(run.log)
        check.equal("clean: status", run.status, 0)
        check.equal("clean: outputs", run.outputs, {"lint-status": "", "check-status": "0",
                                                    "diff-status": "", "report-dir": "out/npcheck"})
        check.equal("clean: reports", sorted(os.listdir(os.path.join(ws, "out", "npcheck"))),
                    ["npcheck-check.xml"])
        check.true("clean: JUnit passes", 'failures="0" errors="0"' in
                   open(os.path.join(ws, "out", "npcheck", "npcheck-check.xml")).read())
        check.true("clean: no comment without a diff", not os.path.exists(gh_calls))

        # ---- bad input ---------------------------------------------------
        run = run_action(source, ws, os.path.join(scratch, "runner-temp-4"),
                         {"manifests": "no-such-dir", "expectations": "needs.yaml",
                          "output-dir": "bad", "npcheck-deb": deb},
                         {"token": "t", "repository": "example/shop", "event": {}}, path, gh_env)
        print(run.log)
        check.equal("bad input: status", run.status, 2)
        check.equal("bad input: outputs", run.outputs, {"lint-status": "2", "check-status": "2",
                                                        "diff-status": "", "report-dir": "bad"})
        junit = open(os.path.join(ws, "bad", "npcheck-check.xml")).read()
        check.true("bad input: JUnit names the error",
                   '<error type="input-error" message="npcheck: error: no-such-dir' in junit)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if check.failures:
        print(f"{check.failures} checks failed")
        return 1
    print("action OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
