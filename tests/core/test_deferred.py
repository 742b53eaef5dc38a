"""dango.deferred: a deferred module costs nothing until it is used, then is the real one."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str, tmp_path) -> str:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "heavy.py").write_text("import sys\nsys.heavy_runs = getattr(sys, 'heavy_runs', 0) + 1\n"
                                      "VALUE = 42\nclass Thing:\n    pass\n")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_importing_a_deferred_module_runs_nothing_until_an_attribute_is_read(tmp_path):
    out = run("""
        import sys
        from dango.deferred import defer, is_deferred
        defer("pkg.heavy")
        import pkg.heavy
        from pkg import heavy as same
        print(getattr(sys, "heavy_runs", 0), is_deferred("pkg.heavy"), same is pkg.heavy)
        print(pkg.heavy.VALUE, getattr(sys, "heavy_runs", 0), is_deferred("pkg.heavy"))
        from pkg.heavy import Thing
        import pkg.heavy as again
        print(Thing is sys.modules["pkg.heavy"].Thing, again.VALUE, sys.heavy_runs)
    """, tmp_path)
    assert out.splitlines() == ["0 True True", "42 1 False", "True 42 1"]


def test_a_missing_attribute_of_a_deferred_module_is_an_attribute_error(tmp_path):
    out = run("""
        from dango.deferred import defer
        defer("pkg.heavy")
        import pkg.heavy
        try:
            pkg.heavy.nothing_here
        except AttributeError as err:
            print(err)
    """, tmp_path)
    assert out == "module 'pkg.heavy' has no attribute 'nothing_here'"


def test_defer_leaves_a_module_already_imported_alone(tmp_path):
    out = run("""
        import sys
        import pkg.heavy
        from dango.deferred import defer, is_deferred
        defer("pkg.heavy")
        print(is_deferred("pkg.heavy"), sys.heavy_runs)
    """, tmp_path)
    assert out == "False 1"
