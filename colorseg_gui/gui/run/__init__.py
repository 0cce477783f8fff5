"""Where a run's state lives: the model, its history, its steps, and the widgets that show them.

records.py   what a run produces (LoadedImage, ImageCache, PreviewFrame, RunOutcome, Job)
steps.py     every step kept small (StepSummary) and rebuilt on demand (StepTrail)
history.py   every finished run within a memory budget (History, HistoryEntry)
model.py     RunModel: the one owner of image, cache, current run, outcome and history
display.py   RunDisplay: paints the model into the view, palette and status bar
timeline.py  the convergence chart and timelineSlider under the view
history_view.py  the history strip (historyView); commands.py: Undo, Redo, A/B
"""
