"""The composition root, used by the app (through ``ui/cache.py``'s caches) and the command line
alike: one user's question as one value, and the functions from its parts to the tables the pages
and commands show.

The question: the task and filters, the what-if settings (scales, overrides, storage assumption, an
own CNV width, own platforms), the measurement files uploaded (by name and content digest) and the
user's own networks.

A :class:`Scenario` is immutable and hashable, so it is the cache key of everything derived from
it (its digest, :attr:`Scenario.key`; :meth:`~Scenario.on_datasheet`,
:meth:`~Scenario.measurement_side`, :meth:`~Scenario.theory_side` and :meth:`~Scenario.fit_side`
are the narrower values of what depends on less, each complete for what it keys: a cached function
reads nothing but the value it is keyed on). The uploads travel as one :class:`Uploads` value,
their digests and the rows they name together. The functions here hand its parts
(:class:`~qb_core.question.HardwareWhatIf`, :class:`~qb_core.question.Storage`, the selection, the
networks) whole to the core's whole-table functions: the catalogs, the predictions, the
intensities, the measurement-prediction join and one configuration's layers, each a pure function
of the scenario and the tables it names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from qb_core.analyses.efficiency import efficiency_table
from qb_core.analyses.filters import Selection, select
from qb_core.analyses.layers import LayerReport, layer_report
from qb_core.analyses.predictions import intensity_table, predict
from qb_core.hardware.catalog import catalog_long
from qb_core.hardware.whatif import WhatIf, apply_whatif, combined_catalog
from qb_core.links import platforms_from_text
from qb_core.networks.user import UserNetwork
from qb_core.question import NO_OVERRIDES, NO_PLATFORMS, HardwareWhatIf


def content_digest(content: bytes | memoryview) -> str:
    """The digest an uploaded file is known by (same bytes, same digest, in every session; a
    memoryview is hashed without a copy)."""
    return hashlib.sha256(content).hexdigest()[:20]


@dataclass(frozen=True)
class Uploads:
    """A user's measurement files, known by (file name, content digest) in the order added, and the
    table they make with the bundled rows. Equal and hashed by the digests alone: the table is what
    the digests name, built with them in one place (the app's session), so a cache keyed on a
    scenario can never hold another session's rows. No files: the bundled rows, which the caller
    resolves (``rows`` is None)."""

    files: tuple[tuple[str, str], ...] = ()
    rows: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.files and self.rows is None:
            raise ValueError("uploaded files without the rows they name")

    def __bool__(self) -> bool:
        return bool(self.files)


@dataclass(frozen=True)
class Scenario:
    """Everything that decides what a page computes (see the module docstring)."""

    selection: Selection = Selection()
    whatif: WhatIf = WhatIf()
    #: The uploaded measurement files by name and content digest, with the rows they name.
    uploads: Uploads = Uploads()
    networks: tuple[UserNetwork, ...] = ()

    @property
    def task(self) -> str:
        return self.selection.task

    @property
    def task_networks(self) -> tuple[UserNetwork, ...]:
        """The user's networks of this scenario's task."""
        return tuple(n for n in self.networks if n.task == self.task)

    @property
    def width_scales(self) -> tuple[float, ...]:
        """The widths predicted beside the published ones: the user's own CNV width, if any."""
        return self.whatif.width_scales

    @cached_property
    def theory_selection(self) -> Selection:
        """The selection a theory page draws: the sidebar's, widened to the user's own CNV width
        (which no pruning filter lists)."""
        width_pct, selection = self.whatif.width_pct, self.selection
        if width_pct is None or selection.pruning_pcts is None:
            return selection
        return replace(selection, pruning_pcts=(*selection.pruning_pcts, width_pct))

    def on_datasheet(self) -> Scenario:
        """The same question on the datasheet: scales and overrides undone (own platforms, storage
        assumption and width kept). What depends on the datasheet only keys on this."""
        settings = self.whatif
        if settings.hardware == settings.hardware.on_datasheet:
            return self
        return replace(self, whatif=replace(settings, bandwidth_scale=1.0, peak_scale=1.0, overrides_text=NO_OVERRIDES))

    def measurement_side(self) -> Scenario:
        """What the measured side of a join depends on: the selection (with the own width) and the
        uploads. No scale, override, storage assumption, own platform or network moves it."""
        if self.whatif == WhatIf(width_pct=self.whatif.width_pct) and not self.networks:
            return self
        return replace(self, whatif=WhatIf(width_pct=self.whatif.width_pct), networks=())

    def theory_side(self, datasheet: bool = False) -> Scenario:
        """What the theory side depends on: everything but the uploads (so sessions share it) and,
        on the ``datasheet``, no scale or override either."""
        scenario = self.on_datasheet() if datasheet else self
        return replace(scenario, uploads=Uploads()) if scenario.uploads else scenario

    def fit_side(self) -> Scenario:
        """What the calibrated model depends on, and nothing else: every measurement (bundled and
        uploaded), the user's own platforms on the datasheet and the user's networks. Neither the
        filters, the task nor the what-if scales move the fit."""
        return Scenario(whatif=WhatIf(custom_text=self.whatif.custom_text), uploads=self.uploads,
                        networks=self.networks)

    def model_side(self) -> Scenario:
        """What the model's answers depend on: the fit's parts (:meth:`fit_side`) and the hardware
        what-if (scales and overrides) the answers are asked under; no filter or storage setting."""
        settings = self.whatif
        return Scenario(whatif=WhatIf(bandwidth_scale=settings.bandwidth_scale, peak_scale=settings.peak_scale,
                                      overrides_text=settings.overrides_text, custom_text=settings.custom_text),
                        uploads=self.uploads, networks=self.networks)

    def with_task(self, task: str) -> Scenario:
        """The same question about another task (filters kept as they are)."""
        return replace(self, selection=replace(self.selection, task=task))

    @cached_property
    def key(self) -> str:
        """A short digest of the whole value: what caches key on."""
        return _digest(repr((self.selection, self.whatif, self.uploads, self.networks_key)))

    @cached_property
    def networks_key(self) -> str:
        return _digest(repr(tuple(n.digest for n in self.networks)))

def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def datasheet_catalog(catalog: pd.DataFrame, hardware: HardwareWhatIf) -> pd.DataFrame:
    """The long catalog before any scale or override: ``catalog`` (the bundled platforms, or those
    plus a platforms file) and the user's own platforms of ``hardware``."""
    text = hardware.custom_text
    custom = platforms_from_text(text) if text != NO_PLATFORMS else None
    return catalog_long(combined_catalog(catalog, custom))


def whatif_catalog(datasheet_long: pd.DataFrame, hardware: HardwareWhatIf) -> pd.DataFrame:
    """The long catalog under the scales and overrides of ``hardware``
    (:func:`qb_core.hardware.whatif.apply_whatif`, the one place they multiply)."""
    return apply_whatif(datasheet_long, hardware)


def hardware_catalog(catalog: pd.DataFrame, hardware: HardwareWhatIf) -> pd.DataFrame:
    """:func:`whatif_catalog` of :func:`datasheet_catalog`: the hardware a question is asked of."""
    return whatif_catalog(datasheet_catalog(catalog, hardware), hardware)


def predictions(hardware_long: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Roofline predictions of every platform x precision x variant of the task inside the
    scenario's selection, under its storage assumption, with the user's networks of the task."""
    selection = scenario.theory_selection
    table = predict(scenario.task, select(hardware_long, selection), scenario.whatif.storage,
                    width_scales=scenario.width_scales, networks=scenario.task_networks)
    return select(table, selection, by_batch=False)


def intensities(scenario: Scenario, width_scales: tuple[float, ...] | None = None) -> pd.DataFrame:
    """Arithmetic intensity per variant x precision of the task under the storage assumption
    (:func:`qb_core.analyses.predictions.intensity_table`); ``width_scales`` replaces the scenario's widths."""
    widths = scenario.width_scales if width_scales is None else width_scales
    return intensity_table(scenario.task, widths, scenario.whatif.storage, networks=scenario.task_networks)


def join(measured: pd.DataFrame, hardware_long: pd.DataFrame, datasheet_long: pd.DataFrame,
         scenario: Scenario, best: pd.DataFrame | None = None) -> pd.DataFrame:
    """The measurement-prediction join (:func:`qb_core.analyses.efficiency.efficiency_table`) of the
    ``measured`` rows inside the selection, predicted over ``hardware_long`` inside it; a
    measurement above the peak is judged against ``datasheet_long``."""
    selection = scenario.theory_selection
    return efficiency_table(select(measured, selection), select(hardware_long, selection), scenario.task,
                            scenario.whatif.storage, width_scales=scenario.width_scales,
                            datasheet=select(datasheet_long, selection), networks=scenario.task_networks, best=best)


def configuration_layers(config: pd.DataFrame, scenario: Scenario) -> LayerReport:
    """One configuration (a one-row prediction table) layer by layer under the storage assumption."""
    return layer_report(config, scenario.whatif.storage, scenario.task_networks)
