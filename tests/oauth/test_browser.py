"""On a terminal, `dango auth NAME` opens the browser (Python's webbrowser, which honours
$BROWSER); here the "browser" is a program that gives consent in the background."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import textwrap
import time
import tomllib

BROWSER_PROGRAM = textwrap.dedent("""
    import subprocess, sys
    # Like a real browser: return at once, load the page in the background.
    subprocess.Popen([sys.executable, __file__ + ".consent.py", sys.argv[1]], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
""")
CONSENT_PROGRAM = textwrap.dedent("""
    import re, sys, httpx
    url = sys.argv[1]
    server = url.split("/authorize")[0]
    with httpx.Client(timeout=10, trust_env=False) as http:
        page = http.get(url)
        consent = re.search(r'name="consent_id" value="([^"]+)"', page.text).group(1)
        redirect = http.post(server + "/authorize/consent", data={"consent_id": consent, "decision": "allow"})
        http.get(redirect.headers["location"])
""")


def test_the_browser_opens_on_a_terminal(tmp_path, project_dir, auth_env, sheet):
    program = tmp_path / "browser.py"
    program.write_text(BROWSER_PROGRAM)
    (tmp_path / "browser.py.consent.py").write_text(CONSENT_PROGRAM)
    env = dict(auth_env, BROWSER=f"{sys.executable} {program} %s")
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dango", "auth", "sheet", "--timeout", "30"],
                            cwd=project_dir, env=env, stdin=subprocess.DEVNULL, stdout=child,
                            stderr=subprocess.PIPE)
    os.close(child)
    output = b""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        elif proc.poll() is not None:
            break
    os.close(main)
    assert proc.wait(10) == 0, (output, proc.stderr.read())
    text = output.decode(errors="replace")
    assert "Opened your browser" in text and "Connected sheet" in text
    stored = tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())
    assert stored["sources"]["sheet"]["credentials"]["refresh_token"].startswith("1//")
