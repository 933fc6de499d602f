"""The `gen` command: render and check figures from the shell.

Exit codes: 0 success (warnings allowed for render); 1 an input could not be read or parsed, or `gen check`
found something; 2 usage error.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `gen` with nothing changed imports nothing else (gen/uptodate.py)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

    from .model import Diagnostic

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Kept here, not imported from gen.render, so that `gen` with nothing changed imports no renderer.
FORMAT_CHOICES = "svg, png, dot, mermaid, d2, drawio, json"
FORMAT_SUFFIXES = ".svg, .png, .dot, .mmd, .d2, .drawio or .json"

DESCRIPTION = """\
Render Kubernetes manifests as architecture diagrams, and check them.

  gen                                  render every figure the MkDocs pages declare
  gen render manifests/sample-app/ -o shop.svg
  gen render a.yaml b.yaml --view network -o n.svg
  helm template ./chart | gen render - -o chart.svg
  gen check [PATHS...]                 findings like a linter; exit 1 when there are any
  gen check --calls PATHS              also list the calls inferred from env, args and ConfigMaps
  gen diff origin/main:manifests manifests -o change.svg
                                       what a change adds, removes and rewires (text; a figure with -o)
  gen watch                            re-render the pages' figures when a manifest changes
"""

EXIT_CODES = """\
exit status:
  0  success: everything drawn, no finding (render's warnings allowed)
  1  gen check found something or could not read an input; gen render or gen
     diff could not read an input or draw; gen diff was given an unknown revision;
     gen (build) could not draw a figure
  2  usage error: an unknown option, view or format; gen check without paths
     and no MkDocs config to find the pages' manifests
"""


def _terminal_width() -> int:
    """What shutil.get_terminal_size() says of the width, without importing shutil (and with it bz2 and lzma): an
    argparse formatter left to find its width imports it on every `gen`, 2 ms."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


def build_parser() -> argparse.ArgumentParser:
    import argparse

    width = max(_terminal_width() - 2, 20)  # as argparse computes it

    class _Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            formatter = kwargs.get("formatter_class", argparse.HelpFormatter)
            kwargs["formatter_class"] = lambda prog: formatter(prog, width=width)
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> None:  # type: ignore[override]
            self.print_usage(sys.stderr)
            self.exit(EXIT_USAGE, f"gen: error: {message}\n")

    from . import __version__

    parser = _Parser(prog="gen", description=DESCRIPTION, epilog=EXIT_CODES,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"gen (kubedocs) {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def add_input_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--namespace", "-n", default="default",
                             help="namespace for objects that name none (default: default)")
        command.add_argument("--quiet", "-q", action="store_true", help="do not print notes about skipped files")
        command.add_argument("--rules", action="append", default=[], metavar="FILE",
                             help="relationship rules for custom kinds (kind: RelationshipRules), besides the "
                                  "shipped ones (repeatable)")

    def add_drawing_options(command: argparse.ArgumentParser) -> None:
        # Checked when drawing, not as argparse choices: listing them would import every view on every `gen`.
        command.add_argument("--view", default="topology",
                             help="which part of the graph to draw (`gen views` lists them)")
        command.add_argument("--only-namespace", action="append", default=[], metavar="NS",
                             help="draw only this namespace (repeatable)")
        command.add_argument("--kind", action="append", default=[], metavar="KIND",
                             help="draw only this kind and what it owns (repeatable)")
        command.add_argument("--name", action="append", default=[], metavar="NAME",
                             help="draw only resources of this name and what they own (repeatable)")
        command.add_argument("--app", action="append", default=[], metavar="APP",
                             help="draw only this application (its app label) and what it links to (repeatable)")
        command.add_argument("--overview", action="store_true",
                             help="one box per application, with its counts (for an input too wide to read)")
        command.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                             help="stop dot after this long (default: 120)")

    render = sub.add_parser("render", help="render manifests to .svg, .png, .dot, .mmd, .d2, .drawio or .json")
    render.add_argument("inputs", nargs="+", help="files, directories, globs, or - for standard input")
    render.add_argument("-o", "--output", help="output file; its extension picks the format: .svg, .png, .dot, .mmd "
                                                "(Mermaid), .d2, .drawio or .json (default: SVG on stdout)")
    render.add_argument("--format", metavar="FORMAT",
                        help="the format to write: svg, png, dot, mermaid, d2, drawio or json (default: the output "
                             "file's extension, else svg)")
    # Checked when drawing, as --view is: the languages are those gen/words.py has words in.
    render.add_argument("--lang", default="en", metavar="LANG",
                        help="the language of the figure's words: en or ko (default: en)")
    add_drawing_options(render)
    add_input_options(render)

    check = sub.add_parser("check", help="report dangling references and unreadable input; exit 1 on any")
    check.add_argument("inputs", nargs="*", help="files, directories, globs or -; default: what the pages use")
    check.add_argument("--config", "-f", default="mkdocs.yml",
                       help="MkDocs config whose pages are checked when no paths are given (default: mkdocs.yml)")
    check.add_argument("--calls", action="store_true",
                       help="also print every inferred call (workload → Service it is told to reach), sorted")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                       help="text: one line a finding on standard error (default); json or sarif (SARIF 2.1.0, "
                            "for code scanning): one document on standard output")
    add_input_options(check)

    diff = sub.add_parser("diff", help="what a change adds, removes and rewires: text, and a figure with -o",
                          description="Compare two revisions of manifests: files or directories, or REF:PATH for "
                                      "PATH at a git revision (origin/main:manifests). Prints one line per "
                                      "resource and link added (+), removed (-) or changed (~); with -o, also "
                                      "draws the new revision's view with what went away put back, every change "
                                      "marked.")
    diff.add_argument("old", help="the revision before: a file, a directory or REF:PATH")
    diff.add_argument("new", help="the revision after: a file, a directory or REF:PATH")
    diff.add_argument("-o", "--output", help="also draw the change to this file (.svg, .png, .dot, .mmd, .d2, .drawio "
                                            "or .json)")
    add_drawing_options(diff)
    add_input_options(diff)

    sub.add_parser("views", help="list the views")

    for name, helptext in (("build", "render every figure the pages declare (the default)"),
                           ("watch", "re-render the pages' figures whenever a manifest changes")):
        command = sub.add_parser(name, help=helptext)
        command.add_argument("--config", "-f", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    config = _plain_build_config(arguments)
    if config is not None:  # the common case, answered without MkDocs when nothing has changed
        from .uptodate import replay_unchanged_build

        replayed = replay_unchanged_build(config)
        if replayed is not None:
            return replayed
    suffix = _output_suffix(arguments[1:]) if arguments[:1] == ["render"] else None
    named = any(argument == "--format" or argument.startswith("--format=") for argument in arguments)
    started = suffix in ("", ".svg", ".png") and not named  # a format named: dot may not be needed
    try:
        if started:
            from .render.execute import start_dot

            start_dot((suffix or ".svg")[1:])  # dot starts while the input is read (gen/render/execute.py)
        args = build_parser().parse_args(arguments)
        if args.command == "render":
            return _render(args)
        if args.command == "check":
            return _check(args)
        if args.command == "diff":
            return _diff(args)
        if args.command == "views":
            from .views import VIEWS

            width = max(len(name) for name in VIEWS)
            for spec in VIEWS.values():
                print(f"{spec.name:{width}}  {spec.description}")
            return EXIT_OK
        from .site.commands import build_figures, watch_figures

        config = getattr(args, "config", "mkdocs.yml")
        if args.command == "watch":
            return watch_figures(config)
        return build_figures(config)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: one line, not a traceback, unless asked for
        if os.environ.get("KUBEDOCS_DEBUG"):
            raise
        from .model import printable

        print(f"gen: internal error: {type(exc).__name__}: {printable(str(exc))} (a bug in kubedocs: please report it; "
              "KUBEDOCS_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if started:
            from .render.execute import stop_unused_dots

            stop_unused_dots()


def _plain_build_config(arguments: list[str]) -> str | None:
    """The config of `gen`, `gen build` and `gen build --config FILE` (or -f FILE, --config=FILE); None for any
    other command line, which argparse reads."""
    if arguments in ([], ["build"]):
        return "mkdocs.yml"
    if len(arguments) == 3 and arguments[:2] in (["build", "--config"], ["build", "-f"]):
        return arguments[2]
    if len(arguments) == 2 and arguments[0] == "build" and arguments[1].startswith("--config="):
        return arguments[1].removeprefix("--config=")
    return None


def _output_suffix(arguments: list[str]) -> str:
    """The suffix of `gen render`'s output file as its arguments give it ("" for standard output), read before
    argparse runs; argparse reads them again and is the one that decides."""
    output = ""
    for index, argument in enumerate(arguments):
        if argument in ("-o", "--output") and index + 1 < len(arguments):
            output = arguments[index + 1]
        elif argument.startswith("--output="):
            output = argument.removeprefix("--output=")
        elif argument.startswith("-o") and not argument.startswith("--"):
            output = argument[2:]
    return os.path.splitext(output)[1].lower()


def _render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .model import Severity
    from .pipeline import render_figure
    from .render import RenderError, format_named
    from .views import VIEWS, Filters
    from .words import LANGUAGES

    if args.view not in VIEWS:
        return _usage(f"argument --view: invalid choice: {args.view!r} (choose from {', '.join(sorted(VIEWS))})")
    if args.lang not in LANGUAGES:
        return _usage(f"argument --lang: invalid choice: {args.lang!r} (choose from {', '.join(LANGUAGES)})")
    output_format = "svg"
    if args.format:
        named = format_named(args.format)
        if named is None or args.format.startswith("."):
            return _usage(f"argument --format: invalid choice: {args.format!r} (choose from {FORMAT_CHOICES})")
        output_format = named
    elif args.output:
        named = format_named(Path(args.output).suffix) if Path(args.output).suffix else None
        if named is None:
            return _usage(f"cannot tell the format from {args.output!r}: use {FORMAT_SUFFIXES}")
        output_format = named
    filters = Filters(set(args.only_namespace), set(args.kind), set(args.name), set(args.app), args.overview,
                      args.lang)
    try:
        figure = render_figure(args.inputs, args.view, output_format, filters, args.namespace, timeout=args.timeout,
                               rule_files=args.rules)
    except RenderError as exc:
        print(f"gen: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    report(figure.diagnostics, quiet=args.quiet)
    if args.output:
        try:
            Path(args.output).write_bytes(figure.output)
        except OSError as exc:
            print(f"gen: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_FAILED
    else:
        sys.stdout.buffer.write(figure.output)
    return EXIT_FAILED if any(d.severity is Severity.ERROR for d in figure.diagnostics) else EXIT_OK  # bad input


def _check(args: argparse.Namespace) -> int:
    from .model import Severity, printable
    from .pipeline import all_diagnostics, analyse_request
    from .records import replace
    from .request import FigureRequest

    page_problems: list[Diagnostic] = []
    if args.inputs:
        requests = [FigureRequest(tuple(args.inputs), namespace=args.namespace, rule_files=tuple(args.rules))]
    else:
        from .site.commands import page_inputs
        from .site.config import ConfigError, read_layout

        try:
            layout = read_layout(args.config)
        except ConfigError as exc:
            return _usage(f"no paths given and {exc}: cannot find the pages' manifests")
        pages = page_inputs(layout)
        page_problems = pages.problems
        # What the site draws, figure by figure, with the site's rule files and then these (confined as the site's)
        requests = [replace(request, rule_files=(*request.rule_files, *args.rules)) for request in pages.requests]
    found: set[Diagnostic] = set(page_problems)
    files: set[str] = set()
    resources: set[tuple[object, str]] = set()
    inferred: set[Diagnostic] = set()
    for request in requests:
        analysis = analyse_request(request)
        found.update(all_diagnostics(analysis.loaded, analysis.graph))
        files.update(analysis.loaded.files)
        resources.update((resource.ref, str(resource.source)) for resource in analysis.loaded.resources)
        if args.calls:
            from .rules.calls import inferred_calls

            inferred.update(inferred_calls(analysis.graph))
    diagnostics, calls = sorted(found), sorted(inferred)
    if args.format == "text":
        report(diagnostics, quiet=args.quiet)
        for call in calls:
            print(printable(str(call)))
    else:  # one document on standard output, made of the same findings (and the calls asked for, as notes)
        from .findings import as_json, as_sarif

        shown = sorted({*(d for d in diagnostics if not (args.quiet and d.severity is Severity.NOTE)), *calls})
        sys.stdout.write(as_json(shown, len(resources), len(files)) if args.format == "json" else as_sarif(shown))
    problems = [d for d in diagnostics if d.severity is not Severity.NOTE]
    print(f"gen check: {_count(len(resources), 'resource')} in {_count(len(files), 'file')}, "
          f"{_count(len(problems), 'problem')}", file=sys.stderr)
    return EXIT_FAILED if problems else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from .model import printable
    from .pipeline import compare
    from .render import RenderError, format_named, render_diagram
    from .request import FigureRequest
    from .revisions import RevisionError, revision_inputs
    from .views import VIEWS, Filters

    if args.view not in VIEWS:
        return _usage(f"argument --view: invalid choice: {args.view!r} (choose from {', '.join(sorted(VIEWS))})")
    output_format = (format_named(Path(args.output).suffix) or "") if Path(args.output or "").suffix else ""
    if args.output and not output_format:
        return _usage(f"cannot tell the format from {args.output!r}: use {FORMAT_SUFFIXES}")
    with tempfile.TemporaryDirectory(prefix="gen-diff-") as scratch:
        try:
            sides = revision_inputs([args.old, args.new], scratch)
        except RevisionError as exc:
            print(f"gen diff: {printable(str(exc))}", file=sys.stderr)
            return EXIT_FAILED
        filters = Filters(set(args.only_namespace), set(args.kind), set(args.name), set(args.app), args.overview)
        old, new = (FigureRequest((path,), args.view, output_format or "svg", filters, args.namespace,
                                  tuple(args.rules), root=Path(root) if root else None, timeout=args.timeout)
                    for path, root in sides)
        comparison = compare(old, new, draw=bool(args.output))
        for diagnostic in comparison.problems:  # file and resource names are the input's: one message, one line
            print(printable(str(diagnostic), backticks=True), file=sys.stderr)
        if comparison.diagram is not None:  # drawn before the text is printed: a reader that stops early loses none
            if comparison.unseen:
                print(f"gen: note: the {args.view} view shows none of these changes", file=sys.stderr)
            try:
                Path(args.output).write_bytes(render_diagram(comparison.diagram, output_format, args.timeout))
            except RenderError as exc:
                print(f"gen: error: {exc}", file=sys.stderr)
                return EXIT_FAILED
            except OSError as exc:
                print(f"gen: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
                return EXIT_FAILED
        lines = comparison.changes.lines()
        print(next(lines))
        if comparison.errors:
            print(f"! {_count(comparison.errors, 'input problem')}: what could not be read is missing from its side "
                  "(the messages say what)")
        for line in lines:
            print(line)
    return EXIT_FAILED if comparison.errors else EXIT_OK


def report(diagnostics: Sequence[Diagnostic], quiet: bool = False) -> None:
    from .model import Severity, printable

    for diagnostic in diagnostics:
        if quiet and diagnostic.severity is Severity.NOTE:
            continue
        print(printable(str(diagnostic)), file=sys.stderr)  # no ESC of an input's name reaches a terminal


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        import argparse

        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _usage(message: str) -> int:
    print(f"gen: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _needs_garbage_collection(arguments: list[str]) -> bool:
    """False for `gen render` and `gen check`: one pass over the input, whose objects (YAML nodes, resources, edges,
    boxes) form no reference cycles. The cyclic collector finds nothing to free there (a collection at the end finds
    the same few hundred objects left from start-up whatever the input's size: tests/test_cli.py), yet walks the
    whole heap again and again as it grows: 18 % of the time of 20,000 Deployments (29.4 s → 24.0 s, peak RSS the
    same 585 MB) and 4 ms of a small figure. `gen` and `gen watch` run MkDocs, and watch runs for hours: they keep
    it."""
    return arguments[:1] not in (["render"], ["check"])


def run() -> None:
    """The `gen` command (and `python -m gen.cli`): main(), then exit without tearing the interpreter down. Freeing
    every module and object one by one took 20 ms of a 150 ms `gen render`, and nothing is left to do by then: the
    output is written and closed, and dot has been waited for. Only the standard streams need flushing."""
    import contextlib

    if not _needs_garbage_collection(sys.argv[1:]):
        import gc

        gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: what could be written was
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
