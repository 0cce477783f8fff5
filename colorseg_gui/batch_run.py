"""The `colorseg` run: plan every input's targets, run them (in-process or on workers), report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from colorseg_gui.batch import Options, Targets, run_one
from colorseg_gui.batch_inputs import Input, drop_own_results, expand
from colorseg_gui.batch_jobs import (
    Finished,
    Job,
    JobPool,
    Started,
    default_jobs,
    plan,
    remove_temp,
    temp_files,
)
from colorseg_gui.bundle import is_zip
from colorseg_gui.cli_make import make_options
from colorseg_gui.engine import KMeansOptions, default_output_name
from colorseg_gui.progress import BatchProgress, StepProgress

PROG = "colorseg"


def _per_input(spec: str | None, source: Path, several: bool) -> Path | None:
    """--palette/--labels/--masks value for one input ({stem} or an added _<stem>)."""
    if spec is None:
        return None
    if "{stem}" in spec:
        return Path(spec.replace("{stem}", source.stem))
    path = Path(spec)
    return path.with_name(f"{path.stem}_{source.stem}{path.suffix}") if several else path


def bundle_target(args: argparse.Namespace, item: Input, several: bool) -> Path:
    """--bundle DIR for one input; with several, DIR/<stem> (or DIR/<stem>.zip with --zip),
    below it the subfolders of a folder given with -r."""
    base = Path(args.bundle)
    if not several:
        return base.with_name(base.name + ".zip") if args.zip and not is_zip(base) else base
    name = item.path.stem + (".zip" if args.zip else "")
    return base / item.subdir / name


def _default_name(args: argparse.Namespace, item: Input, ext: str) -> Path:
    """<stem>_cluster<K><ext> beside the input; --suggest-k without -k chooses k per image,
    after the names are planned: <stem>_clusterauto<ext>."""
    if args.k is None:
        return item.path.with_name(f"{item.path.stem}_clusterauto{ext}")
    return default_output_name(item.path, args.k, ext)


def _image_target(args: argparse.Namespace, item: Input, ext: str,
                  several: bool = False) -> Path:
    if getattr(args, "bundle", None) is not None:
        bundle = bundle_target(args, item, several)
        return bundle if is_zip(bundle) else bundle / _default_name(args, item, ".png").name
    if args.output is not None:
        return Path(args.output)
    name = _default_name(args, item, ext)
    if args.outdir is not None:
        return args.outdir / item.subdir / name.name
    return name


def _targets(args: argparse.Namespace, item: Input, ext: str, several: bool,
             protected: frozenset[Path]) -> Targets:
    source = item.path
    masks = _per_input(args.masks, source, False) if args.masks else None
    bundle = bundle_target(args, item, several) if args.bundle is not None else None
    return Targets(image=_image_target(args, item, ext, several),
                   palette=_per_input(args.palette, source, several),
                   masks=masks, labels=_per_input(args.labels, source, several),
                   error_map=_per_input(args.error_map, source, several),
                   bundle=bundle, protected=protected)


def _k_table(record: dict[str, Any]) -> str:
    """The J-versus-k table of --suggest-k and its suggestion, as lines for a terminal."""
    lines = [f"{record['input']}: J versus k (mean CIEDE2000 to the original)",
             "    k            J        MSE   mean dE"]
    lines += [f"  {r['k']:3d} {r['inertia']:12.6g} {r['mse_rgb']:10.2f} {r['mean_delta_e']:9.2f}"
              for r in record["k_table"]]
    suggested = record["suggested_k"]
    threshold = record["suggest_threshold"]
    lines.append(f"  suggested k: {suggested} (the fewest colours with mean dE under "
                 f"{threshold:g})" if suggested is not None else
                 f"  suggested k: none reaches mean dE under {threshold:g}; "
                 f"using {record['k_requested']}")
    return "\n".join(lines)


def _summary(record: dict[str, Any]) -> str:
    state = "converged" if record["converged"] else record["stop_reason"]
    n = record["iterations"]
    notes = "".join(f"; note: {note}" for note in record["notes"])
    return (f"{record['input']} -> {record['output']}: k={record['k']}, "
            f"{n} iteration{'s' if n != 1 else ''} ({state}), mse_rgb {record['mse_rgb']:.2f}, "
            f"{record['seconds']['total']:.2f} s{notes}")


class _Report:
    """Prints each input's record (in input order unless unordered) around the progress bar."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO,
                 bar: BatchProgress | None) -> None:
        self.args, self.out, self.err, self.bar = args, out, err, bar
        self.failures = self.printed = 0
        self.next = 0
        self.held: dict[int, dict[str, Any]] = {}

    def add(self, index: int, record: dict[str, Any]) -> None:
        if self.args.unordered:
            self._print(record)
            return
        self.held[index] = record
        while self.next in self.held:
            self._print(self.held.pop(self.next))
            self.next += 1

    def _print(self, record: dict[str, Any]) -> None:
        self.printed += 1
        if self.bar is not None:
            self.bar.clear()
        if "error" in record:
            self.failures += 1
            self.err.write(f"{PROG}: error: {record['input']}: {record['error']}\n")
            self.err.flush()
        elif not self.args.quiet and not self.args.json:
            if "k_table" in record:
                self.out.write(_k_table(record) + "\n")
            self.out.write(_summary(record) + "\n")
        if self.args.json:
            self.out.write(json.dumps(record) + "\n")
        self.out.flush()
        if self.bar is not None:
            self.bar.draw(force=True)


def _options(args: argparse.Namespace) -> Options:
    start = getattr(args, "start_colours", None)
    k = args.k if args.k is not None else max(2, len(start or ()))  # --suggest-k decides
    kmeans = KMeansOptions(k=k, space=args.space, seed=args.seed, init=start or args.init,
                           max_iter=args.max_iter, tol=args.tol,
                           locked=getattr(args, "locked_rows", ()))
    suggest = args.suggest_threshold if getattr(args, "suggest_k", False) else None
    return Options(kmeans=kmeans, indexed=args.indexed, suggest_k=suggest,
                   k_given=args.k is not None, lock_names=getattr(args, "lock_names", ()),
                   quality=args.quality, order=args.order,
                   max_pixels=args.max_pixels or None, force=args.force,
                   make=make_options(args), print_dpi=args.print_dpi,
                   print_width_cm=args.print_width, **_owned_options(args))


def _owned_options(args: argparse.Namespace) -> dict[str, Any]:
    from colorseg_gui.engine import Metric, OwnedColours

    owned = getattr(args, "owned_palette", None)
    metric: Metric = "oklab" if args.metric == "oklab" else "de2000"
    return {"owned": OwnedColours(owned[0], tuple(owned[1]), args.mode, metric)
            if owned is not None else None,
            "owned_file": str(args.palette_in) if args.palette_in else "",
            "merge_delta_e": args.merge_delta_e, "merge_share": args.merge_share}


def _plan(args: argparse.Namespace, ext: str, inputs: list[Input]
          ) -> tuple[list[Job], dict[int, dict[str, Any]]]:
    protected = frozenset(i.path.resolve() for i in inputs)
    several = len(inputs) > 1
    return plan([i.path for i in inputs],
                lambda index, _: _targets(args, inputs[index], ext, several, protected))


def _make_dirs(args: argparse.Namespace, jobs: list[Job], err: TextIO) -> bool:
    if args.bundle is not None:  # the folders bundles go in; each bundle makes its own
        wanted = {j.targets.bundle.parent for j in jobs if j.targets.bundle is not None}
    elif args.outdir is not None:
        wanted = {args.outdir} | {j.targets.image.parent for j in jobs}
    else:
        return True
    for folder in sorted(wanted):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            err.write(f"{PROG}: error: cannot create {folder}: {exc.strerror or exc}\n")
            return False
    return True


def _in_process(job: Job, options: Options, report: _Report, err: TextIO,
                show_progress: bool) -> None:
    progress = StepProgress(err, str(job.source)) if show_progress else None
    try:
        record = run_one(job.source, job.targets, options, progress)
    finally:
        if progress is not None:
            progress.clear()
    report.add(job.index, record)


def _on_workers(jobs: list[Job], options: Options, workers: int, report: _Report,
                bar: BatchProgress | None) -> None:
    names = {job.index: job.source.name for job in jobs}  # the bar has room for a name
    pool = JobPool(options, workers)
    try:
        for event in pool.run(jobs):
            if isinstance(event, Finished):
                if bar is not None:
                    bar.finished(names[event.index])
                report.add(event.index, event.record)
            elif isinstance(event, Started) and bar is not None:
                bar.started(names[event.index])
            elif bar is not None:
                bar.draw()  # elapsed and ETA move on while a long file runs
    finally:
        pool.close()


def _skipped_note(count: int, what: str) -> str:
    return f"{PROG}: note: {count} file{'s' if count != 1 else ''} skipped: {what}\n"


def run(args: argparse.Namespace, ext: str, out: TextIO, err: TextIO) -> int:
    """Run every input; returns the exit status (0 all done, 1 some failed, 130 interrupted)."""
    expanded = expand(args.inputs, args.recursive)
    inputs, own = drop_own_results(expanded.inputs, lambda i: _image_target(args, i, ext))
    if not inputs:
        where = ", ".join(str(p) for p in expanded.empty_folders) or "the inputs"
        err.write(f"{PROG}: error: no images in {where}\n")
        return 1
    if args.output is not None and len(inputs) > 1:
        err.write(f"{PROG}: error: -o/--output takes a single input; use -d OUTDIR\n")
        return 2
    jobs, refused = _plan(args, ext, inputs)
    if not _make_dirs(args, jobs, err):
        return 1
    several = len(inputs) > 1
    show_progress = not args.quiet and err.isatty()
    bar = BatchProgress(err, len(inputs)) if show_progress and several else None
    report = _Report(args, out, err, bar)
    for index, record in refused.items():
        if bar is not None:
            bar.done += 1
        report.add(index, record)
    options = _options(args)
    workers = args.jobs or default_jobs()
    try:
        if len(jobs) == 1 and not several:
            _in_process(jobs[0], options, report, err, show_progress)
        elif jobs:
            _on_workers(jobs, options, workers, report, bar)
    except KeyboardInterrupt:
        if bar is not None:
            bar.clear()
        for job in jobs:  # the in-process path unwinds its own write; this is the net
            for path in temp_files(job):
                remove_temp(path)
        err.write(f"\n{PROG}: interrupted after {report.printed} of {len(inputs)} inputs; "
                  "no partial or temporary file left\n")
        return 130
    if bar is not None:
        bar.clear()
    if not args.quiet:
        if expanded.skipped:
            err.write(_skipped_note(expanded.skipped, "not images"))
        if own:
            err.write(_skipped_note(own, "results of other inputs of this run"))
    return 1 if report.failures else 0
