"""Status bar fields: image size, iteration, J, MSE, changed pixels, state, elapsed time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

if TYPE_CHECKING:
    from colorseg_gui.gui.worker import LoadedImage, PreviewFrame, RunOutcome

STOP_REASONS = {
    "converged": ("Converged", "No pixel changed cluster in the last iteration"),
    "tol": ("Converged (tolerance)", "The centres moved less than the tolerance"),
    "max_iter": (
        "Stopped at max iterations",
        "The iteration limit was reached while a few pixels still changed cluster; "
        "the result is usually within a fraction of a percent of the converged J",
    ),
    "exact": ("Exact", "k is at least the number of distinct colours: every colour is kept"),
    "stopped": ("Stopped", "Stopped by you; the step shown is kept as the result"),
}


def _per_pixel(inertia: float, frame: PreviewFrame) -> float:
    return inertia / max(frame.pixel_weight, 1e-12)


def _label(name: str, tip: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setToolTip(tip)
    label.setAccessibleName(tip)
    return label


class StatusFields:
    """The permanent widgets of the status bar and how each kind of event fills them."""

    def __init__(self, bar: QStatusBar, stop_button: QToolButton) -> None:
        self.size = _label("statusSize", "Image size and number of distinct colours")
        self.iteration = _label("statusIteration", "Lloyd iteration shown")
        self.objective = _label(
            "statusObjective",
            "J: sum of squared distances to the cluster centres, in the "
            "clustering colour space, per pixel; MSE: mean squared sRGB "
            "error of the segmented image",
        )
        self.changed = _label("statusChanged", "Pixels that changed cluster in the last step")
        self.state = _label("statusState", "State of the run")
        self.elapsed = _label("statusElapsed", "Time since the run started")
        self.zoom = _label("statusZoom", "Zoom (device pixels per image pixel)")
        for widget in (
            self.size,
            self.iteration,
            self.objective,
            self.changed,
            self.state,
            self.elapsed,
            self.zoom,
        ):
            bar.addPermanentWidget(widget)
        bar.addPermanentWidget(stop_button)

    def clear_run(self) -> None:
        for label in (self.iteration, self.objective, self.changed, self.state, self.elapsed):
            label.clear()

    def show_image(self, loaded: LoadedImage) -> None:
        picture = loaded.picture
        self.size.setText(f"{picture.width} x {picture.height}")
        self.clear_run()
        self.state.setText("Counting colours…")

    def show_colors(self, n_colors: int, width: int, height: int) -> None:
        self.size.setText(f"{width} x {height} · {n_colors:,} colours")

    def show_frame(self, frame: PreviewFrame) -> None:
        step = frame.step
        if frame.sampled:
            self.iteration.setText("Quick look")
            self.state.setText("Preview from a sample; exact run starting…")
            self.state.setToolTip("A downscaled copy was clustered for a first look")
            self.objective.setText(f"MSE ≈ {frame.mse:,.1f}")
            self.changed.clear()
        elif step.iteration == 0:  # the engine's coarse warm start on millions of colours
            self.iteration.setText("Starting")
            self.state.setText("Choosing starting colours…")
            self.state.setToolTip(
                "This image has millions of distinct colours: the starting centres are "
                "refined on a coarse grid first; the exact iterations follow"
            )
            self.objective.setText(f"MSE ≈ {frame.mse:,.1f}")
            self.changed.clear()
        else:
            self.iteration.setText(f"Iteration {step.iteration}")
            per_pixel = _per_pixel(step.inertia, frame)
            self.objective.setText(f"J {per_pixel:,.1f}/px · MSE {frame.mse:,.1f}")
            self.changed.setText(f"{step.changed:,} px changed")
            self.state.setText("Refining…")
            self.state.setToolTip("Lloyd iterations run until no pixel changes cluster")
        self.elapsed.setText(f"{step.elapsed:.2f} s")

    def show_outcome(self, outcome: RunOutcome) -> None:
        step = outcome.result.step
        self.iteration.setText(f"Iteration {step.iteration}")
        per_pixel = outcome.result.inertia / max(outcome.result.histogram.total_weight, 1e-12)
        self.objective.setText(f"J {per_pixel:,.1f}/px · MSE {outcome.mse:,.1f}")
        self.changed.setText(f"{step.changed:,} px changed")
        text, tip = STOP_REASONS.get(outcome.result.stop_reason, (outcome.result.stop_reason, ""))
        self.state.setText(text)
        self.state.setToolTip(tip)
        self.elapsed.setText(f"{outcome.elapsed:.2f} s")

    def show_zoom(self, device_scale: float) -> None:
        self.zoom.setText(f"{device_scale * 100:.0f} %")
