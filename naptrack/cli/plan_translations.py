"""`naptrack plan translations export|import`: a plan's texts for translators, in XLSX or XLIFF 2.0,
and their work read back all or nothing (naptrack.plans.translation_files, .translating).
Registered by cli/plan.py under `naptrack plan`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from naptrack.cli.common import Failure, actor, plan_named, write_atomically

TRANSLATIONS_DESCRIPTION = (
    "Give a plan's texts to translators and take their work back. 'export' writes one language's "
    "texts as an Excel workbook (one row per text: key, English source, current translation, state) "
    "or as XLIFF 2.0 for CAT tools. 'import' reads such a file back all or nothing: every key must "
    "name a text of the plan and every English source must be the one exported (a changed source is "
    "refused with its key: export again); empty translations are skipped. The imported translations "
    "take the --state given (draft unless told official)."
)


def add_parsers(actions: argparse._SubParsersAction) -> None:
    from naptrack.plans.interchange import STATES, TARGETS

    parser = actions.add_parser(
        "translations",
        help="export a plan's texts for translators and import their work",
        description=TRANSLATIONS_DESCRIPTION,
    )
    commands = parser.add_subparsers(dest="translations_command", metavar="ACTION", required=True)
    export = commands.add_parser(
        "export", help="write one language's texts as XLSX or XLIFF 2.0", description=TRANSLATIONS_DESCRIPTION
    )
    export.add_argument("slug", metavar="SLUG", help="the plan's slug, as 'naptrack plan list' shows it")
    export.add_argument("--lang", required=True, choices=TARGETS, help="the language to translate into")
    export.add_argument("--format", choices=("xlsx", "xliff"), default="xlsx", help="default: %(default)s")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(func=cmd_translations_export)
    imp = commands.add_parser(
        "import", help="read a translated XLSX or XLIFF file back, all or nothing", description=TRANSLATIONS_DESCRIPTION
    )
    imp.add_argument("file", metavar="FILE", help="the file exported by 'translations export', translated")
    imp.add_argument("--dry-run", action="store_true", help="list what would change; write nothing")
    imp.add_argument(
        "--state", choices=STATES, default="draft", help="the state of the imported translations (default: %(default)s)"
    )
    imp.set_defaults(func=cmd_translations_import)


def cmd_translations_export(args: argparse.Namespace) -> None:
    from naptrack.plans import translation_files
    from naptrack.plans.texts import coverage, plan_texts

    plan = plan_named(args.slug)
    texts = plan_texts(plan, language=args.lang)
    write = translation_files.xlsx_write if args.format == "xlsx" else translation_files.xliff_write
    data = write(plan, args.lang, texts)
    if args.output in (None, "-"):
        if args.format == "xlsx" and sys.stdout.isatty():
            raise Failure("xlsx is a binary format: give -o FILE.xlsx")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomically(Path(args.output), data)
    counted = coverage(texts, args.lang)
    print(
        f"{args.output or 'standard output'}: {counted.total} texts of {plan.slug} in {args.lang} "
        f"({counted.official} official, {counted.draft} draft, {len(counted.missing)} missing)",
        file=sys.stderr,
    )


def cmd_translations_import(args: argparse.Namespace) -> None:
    from naptrack.plans import translation_files
    from naptrack.plans.translating import TranslationImportError, translations_import

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failure(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        upload = translation_files.read(data, name=path.name)
        result = translations_import(actor=actor(), upload=upload, state=args.state, dry_run=args.dry_run)
    except translation_files.TranslationFileError as exc:
        raise Failure(f"{exc} Nothing was imported.") from None
    except TranslationImportError as exc:
        refused = exc.result.refused if exc.result else []
        raise Failure(f"{path.name}: {exc}", *(f"{r.key}: {r.reason}" for r in refused)) from None
    counts = result.counts
    for change in result.changes:
        what = "translation" if change.text_changed else "state"
        print(f"{change.key}: {what} {change.state_before} -> {change.state_after}")
    verb = "would change" if args.dry_run else "changed"
    print(
        f"{result.plan.slug} [{result.language}]: {counts['translations_changed']} translation(s) and "
        f"{counts['states_changed']} state(s) {verb}, {counts['unchanged']} unchanged"
        + ("; dry run, nothing was written" if args.dry_run else f", as {result.state}")
    )
