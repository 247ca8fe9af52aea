"""The control dock: data, features, model, optimizer and run settings.

Grouped, every control with a tooltip (formulas included). The dock knows no
core object: it shows what the controller tells it (the data set's classes
and features, the Lipschitz constant) and reports edits through four signals
— one per settings group — so the controller can decide what an edit means
for the run. The run buttons are the main window's actions (one source of
truth for the buttons, the menu and the keyboard).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from logit_gui.core.datasets import BUNDLED, GENERATORS, MULTICLASS_GENERATORS
from logit_gui.core.optimizers import DEFAULT_LR, DEFAULTS, OPTIMIZER_PARAMS, OPTIMIZERS, PARAM_HELP

from logit_gui.render.theme import WINDOW
from logit_gui.model.settings import SPEEDS, DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings
from .widgets import LogSlider

__all__ = ["ControlPanel"]

_GEN_TIPS = {
    "moons": "two interleaving half circles: a straight line cannot separate them — try degree ≥ 3",
    "circles": "a circle inside a ring: separable with degree-2 features (x1², x2²)",
    "xor": "opposite quadrants share a class: needs the product feature x1·x2 (degree 2)",
    "blobs": "Gaussian clouds: linear boundaries, 2–10 classes",
    "linear": "separable with a margin: without a penalty the weights grow without bound",
    "spiral": "interleaved spiral arms: needs high-degree features",
}

_MODEL_KINDS = (
    ("auto", "auto (binary / softmax)",
     "Two classes: the binomial model p = σ(wᵀx + b).\nMore classes: softmax."),
    ("softmax", "softmax (multinomial)",
     "p_k = e^{z_k} / Σ_j e^{z_j}, z_k = w_kᵀx + b_k;\n"
     "categorical cross-entropy J = −(1/Σs) Σ sᵢ log p_{yᵢ}(xᵢ).\nTwo classes: always the binary model."),
    ("ovr", "one-vs-rest",
     "K independent binary models, class k against the rest: J = Σ_k J_k;\n"
     "predict the most confident. Two classes: always the binary model."),
)


def _row_label(text: str, tip: str) -> QLabel:
    lab = QLabel(text)
    lab.setToolTip(tip)
    return lab


class ControlPanel(QWidget):
    """All settings; ``settings()`` reads them as a :class:`Settings` value."""

    dataChanged = Signal()       # data set, its generator arguments, split or features: the run resets
    modelChanged = Signal()      # model kind, class weights, penalties, intercept
    optimizerChanged = Signal()  # method or one of its parameters
    runChanged = Signal()        # speed, max iterations, tolerance, restart-on-change
    valueRejected = Signal(str)  # a typed value that was not taken, and why

    def __init__(self, actions: dict[str, QAction] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("controls")
        self._quiet = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(8)
        if actions:
            lay.addWidget(self._run_buttons(actions))
        self.groups = {"data": self._data_group(), "model": self._model_group(),
                       "optimizer": self._optimizer_group(), "run": self._run_group()}
        for g in self.groups.values():
            lay.addWidget(g)
        lay.addStretch(1)
        self._update_data_enabled()
        self._update_optimizer_rows()
        self._update_weights_enabled()
        # Enter in a field commits it and hands the keyboard back to the window: Space and R
        # then play and reset instead of typing into the field
        from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit

        for w in self.findChildren(QLineEdit) + self.findChildren(QAbstractSpinBox):
            w.installEventFilter(self)
        for w in self.findChildren(LogSlider):
            w.rejected.connect(self.valueRejected)

    #: what the classroom subset keeps: the run buttons, the data set and the optimizer
    CLASSROOM = ("data", "optimizer")

    def set_classroom(self, on: bool) -> None:
        """Show only what a lecture needs in front of students (presentation mode): the run
        buttons, the data set and the optimizer; the model, run and expert data settings hide."""
        for name, g in self.groups.items():
            g.setVisible(not on or name in self.CLASSROOM)
        form = self._data_form
        for row in range(form.rowCount()):
            item = form.itemAt(row, form.ItemRole.FieldRole)
            w = item.widget() if item is not None else None
            if w is None:
                continue
            keep = w in (self.source, self.n, self.noise) or (w is self._view_row and self._view_row.isEnabled())
            if not on or not keep:
                form.setRowVisible(row, not on or keep)
        if not on:
            self._update_data_enabled()
            many = self._view_row.isEnabled()
            form.setRowVisible(self._view_row, many)

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    def _run_buttons(self, actions) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        order = ("first", "back", "play", "step", "last", "reset")
        for col, name in enumerate(order):
            b = QToolButton()
            b.setObjectName(f"button_{name}")
            b.setDefaultAction(actions[name])
            b.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
            b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            b.setMinimumHeight(46)
            if name == "play":
                f = b.font()
                f.setBold(True)
                b.setFont(f)
            grid.addWidget(b, 0, col)
        return box

    def _data_group(self) -> QGroupBox:
        g = QGroupBox("Data")
        form = QFormLayout(g)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.source = QComboBox()
        self.source.setObjectName("data_source")
        for name, desc in GENERATORS.items():
            self.source.addItem(f"{name}  (generated)", f"gen:{name}")
            self.source.setItemData(self.source.count() - 1, f"{desc}\n{_GEN_TIPS.get(name, '')}", Qt.ToolTipRole)
        for name, desc in BUNDLED.items():
            self.source.addItem(f"{name}  (real data)", f"bundled:{name}")
            self.source.setItemData(self.source.count() - 1, desc, Qt.ToolTipRole)
        self.source.setToolTip(
            "The data set: a seeded generator (2-D, adjustable below), one of the real data sets\n"
            "shipped with the app, or a CSV file (File → Open CSV…, Ctrl+O).\nChanging it resets the run."
        )
        form.addRow(_row_label("data set", self.source.toolTip()), self.source)

        self.n = QSpinBox()
        self.n.setObjectName("data_n")
        self.n.setRange(10, 1_000_000)
        self.n.setSingleStep(50)
        self.n.setValue(DataSettings.n)
        self.n.setKeyboardTracking(False)
        self.n.setToolTip("Number of samples n the generator draws (train and test together).")
        form.addRow(_row_label("samples n", self.n.toolTip()), self.n)

        self.noise = QDoubleSpinBox()
        self.noise.setObjectName("data_noise")
        self.noise.setRange(0.0, 3.0)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(2)
        self.noise.setValue(DataSettings.noise)
        self.noise.setKeyboardTracking(False)
        self.noise.setToolTip("Standard deviation σ of the Gaussian jitter x ← x + σ·N(0, I) added to every point.")
        form.addRow(_row_label("noise σ", self.noise.toolTip()), self.noise)

        self.classes = QSpinBox()
        self.classes.setObjectName("data_classes")
        self.classes.setRange(2, 10)
        self.classes.setValue(DataSettings.classes)
        self.classes.setKeyboardTracking(False)
        self.classes.setToolTip("Number of classes K (blobs, linear and spiral: 2–10).\n"
                                "K > 2 uses softmax or one-vs-rest (Model).")
        form.addRow(_row_label("classes K", self.classes.toolTip()), self.classes)

        self.imbalance = QDoubleSpinBox()
        self.imbalance.setObjectName("data_imbalance")
        self.imbalance.setRange(1.0, 100.0)
        self.imbalance.setDecimals(1)
        self.imbalance.setValue(DataSettings.imbalance)
        self.imbalance.setKeyboardTracking(False)
        self.imbalance.setToolTip("Imbalance ratio R = n(class 0) : n(class K−1), from 1 (balanced) to 100.\n"
                                  "Try class weights = balanced (Model) to compensate.")
        form.addRow(_row_label("imbalance R", self.imbalance.toolTip()), self.imbalance)

        self.label_noise = QDoubleSpinBox()
        self.label_noise.setObjectName("data_label_noise")
        self.label_noise.setRange(0.0, 0.5)
        self.label_noise.setSingleStep(0.01)
        self.label_noise.setDecimals(2)
        self.label_noise.setKeyboardTracking(False)
        self.label_noise.setToolTip("Fraction of samples whose label is flipped to another class (label noise).")
        form.addRow(_row_label("label noise", self.label_noise.toolTip()), self.label_noise)

        self.outliers = QDoubleSpinBox()
        self.outliers.setObjectName("data_outliers")
        self.outliers.setRange(0.0, 0.5)
        self.outliers.setSingleStep(0.01)
        self.outliers.setDecimals(2)
        self.outliers.setKeyboardTracking(False)
        self.outliers.setToolTip("Fraction of samples moved 2–4 RMS radii away (labels kept): outliers.")
        form.addRow(_row_label("outliers", self.outliers.toolTip()), self.outliers)

        seed_row = QWidget()
        sl = QHBoxLayout(seed_row)
        sl.setContentsMargins(0, 0, 0, 0)
        self.seed = QSpinBox()
        self.seed.setObjectName("data_seed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("Random seed: the same settings and seed give exactly the same data and split.")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setObjectName("data_regenerate")
        self.regenerate.setToolTip("Draw a new sample: seed ← seed + 1 (the run resets).")
        sl.addWidget(self.seed, 1)
        sl.addWidget(self.regenerate)
        form.addRow(_row_label("seed", self.seed.toolTip()), seed_row)

        self.positive = QComboBox()
        self.positive.setObjectName("data_positive")
        self.positive.addItem("all classes", None)
        self.positive.setToolTip("Make a binary task: the chosen class becomes class 1, all others class 0\n"
                                 "(“9 vs rest”, “malignant vs benign”).")
        form.addRow(_row_label("task", self.positive.toolTip()), self.positive)

        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setObjectName("data_test_fraction")
        self.test_fraction.setRange(0.0, 0.9)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
        self.test_fraction.setValue(DataSettings.test_fraction)
        self.test_fraction.setKeyboardTracking(False)
        self.test_fraction.setToolTip("Fraction of samples held out as a stratified, seeded test set (▲ markers;\n"
                                      "dashed test loss). 0: no test set.")
        form.addRow(_row_label("test fraction", self.test_fraction.toolTip()), self.test_fraction)

        self.degree = QSpinBox()
        self.degree.setObjectName("data_degree")
        self.degree.setRange(1, 6)
        self.degree.setValue(DataSettings.degree)
        self.degree.setKeyboardTracking(False)
        self.degree.setToolTip("Polynomial features φ(x): all monomials of degree 1..D of the inputs\n"
                               "(D = 2 in 2-D: x1, x2, x1², x1·x2, x2²). The model stays linear in φ,\n"
                               "the boundary wᵀφ(x) + b = 0 becomes curved. The run resets.")
        form.addRow(_row_label("poly degree D", self.degree.toolTip()), self.degree)

        self.standardize = QCheckBox("standardize features")
        self.standardize.setObjectName("data_standardize")
        self.standardize.setChecked(DataSettings.standardize)
        self.standardize.setToolTip("φ ← (φ − mean) / std with training statistics (population std),\n"
                                    "so every feature has the same scale: a better-conditioned problem.")
        form.addRow("", self.standardize)

        vrow = QWidget()
        vl = QHBoxLayout(vrow)
        vl.setContentsMargins(0, 0, 0, 0)
        self.view_mode = QComboBox()
        self.view_mode.setObjectName("view_mode")
        self.view_mode.addItem("PC1, PC2", "pca")
        self.view_mode.addItem("two features", "features")
        self.view_x = QComboBox()
        self.view_x.setObjectName("view_x")
        self.view_y = QComboBox()
        self.view_y.setObjectName("view_y")
        tip = ("Data with more than two features: the 2-D views show the first two principal components\n"
               "or two chosen features; the heatmap is a slice of the model through the training mean.")
        for w in (self.view_mode, self.view_x, self.view_y):
            w.setToolTip(tip)
        vl.addWidget(self.view_mode)
        vl.addWidget(self.view_x, 1)
        vl.addWidget(self.view_y, 1)
        self.view_row_label = _row_label("2-D view", tip)
        form.addRow(self.view_row_label, vrow)
        self._view_row = vrow
        self._data_form = form

        for w in (self.n, self.classes, self.seed, self.degree):
            w.valueChanged.connect(self._data_edited)
        for w in (self.noise, self.imbalance, self.label_noise, self.outliers, self.test_fraction):
            w.valueChanged.connect(self._data_edited)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.positive.currentIndexChanged.connect(self._data_edited)
        self.standardize.toggled.connect(self._data_edited)
        self.regenerate.clicked.connect(self._regenerate)
        self.view_mode.currentIndexChanged.connect(self._view_edited)
        self.view_x.currentIndexChanged.connect(self._view_edited)
        self.view_y.currentIndexChanged.connect(self._view_edited)
        self._select_source("gen", DataSettings.source)
        return g

    def _model_group(self) -> QGroupBox:
        g = QGroupBox("Model")
        form = QFormLayout(g)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.kind = QComboBox()
        self.kind.setObjectName("model_kind")
        for value, text, tip in _MODEL_KINDS:
            self.kind.addItem(text, value)
            self.kind.setItemData(self.kind.count() - 1, tip, Qt.ToolTipRole)
        self.kind.setToolTip("Multiclass model. Binary: p(y=1|x) = σ(wᵀφ(x) + b), σ(z) = 1/(1 + e^{−z}).\n"
                             "Softmax: p_k ∝ e^{w_kᵀφ(x) + b_k}. One-vs-rest: K binary models.")
        form.addRow(_row_label("model", self.kind.toolTip()), self.kind)

        self.weights = QComboBox()
        self.weights.setObjectName("model_class_weight")
        self.weights.addItem("none", None)
        self.weights.addItem("balanced", "balanced")
        self.weights.addItem("custom α0, α1", "custom")
        self.weights.setToolTip("Per-sample weights sᵢ in J = (1/Σs) Σ sᵢ ℓᵢ:\n"
                                "none: sᵢ = 1;  balanced: sᵢ = n / (K · n_{yᵢ}) (inverse class frequency);\n"
                                "custom: sᵢ = α_{yᵢ}.")
        form.addRow(_row_label("class weights", self.weights.toolTip()), self.weights)
        arow = QWidget()
        al = QHBoxLayout(arow)
        al.setContentsMargins(0, 0, 0, 0)
        self.alpha0 = QDoubleSpinBox()
        self.alpha1 = QDoubleSpinBox()
        for i, w in enumerate((self.alpha0, self.alpha1)):
            w.setObjectName(f"model_alpha{i}")
            w.setRange(0.01, 100.0)
            w.setDecimals(2)
            w.setValue(1.0)
            w.setKeyboardTracking(False)
            w.setPrefix(f"α{i} = ")
            w.setToolTip(f"Weight α{i} of every class-{i} sample in the cross-entropy (custom class weights).")
            al.addWidget(w)
            w.valueChanged.connect(self._model_edited)
        form.addRow("", arow)

        self.l2 = LogSlider(1e-5, 10.0, ModelSettings.l2, zero=True)
        self.l2.setObjectName("model_l2")
        self.l2.setToolTip("L2 penalty (ridge) λ₂: J ← J + (λ₂/2)‖w‖² (the intercept b is not penalized).\n"
                           "Keeps the weights finite on separable data; leftmost: off.")
        form.addRow(_row_label("L2 λ₂", self.l2.toolTip()), self.l2)
        self.l1 = LogSlider(1e-5, 10.0, ModelSettings.l1, zero=True)
        self.l1.setObjectName("model_l1")
        self.l1.setToolTip("L1 penalty (lasso) λ₁: J ← J + λ₁‖w‖₁, handled by a proximal (soft-threshold) step:\n"
                           "w ← sign(w)·max(|w| − ηλ₁, 0). Drives weights to exactly 0.\n"
                           "Second-order methods (newton, bfgs, lbfgs) do not support it.")
        form.addRow(_row_label("L1 λ₁", self.l1.toolTip()), self.l1)
        self.intercept = QCheckBox("fit intercept b")
        self.intercept.setObjectName("model_intercept")
        self.intercept.setChecked(True)
        self.intercept.setToolTip("Include the bias b in z = wᵀφ(x) + b (never penalized).\n"
                                  "Off: the boundary must pass through the origin of feature space.")
        form.addRow("", self.intercept)
        self.kind.currentIndexChanged.connect(self._model_edited)
        self.weights.currentIndexChanged.connect(self._weights_edited)
        self.l2.valueChanged.connect(self._model_edited)
        self.l1.valueChanged.connect(self._model_edited)
        self.intercept.toggled.connect(self._model_edited)
        return g

    def _optimizer_group(self) -> QGroupBox:
        g = QGroupBox("Optimizer")
        form = QFormLayout(g)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.method = QComboBox()
        self.method.setObjectName("opt_method")
        for name, desc in OPTIMIZERS.items():
            self.method.addItem(name, name)
            self.method.setItemData(self.method.count() - 1, desc, Qt.ToolTipRole)
        self.method.setToolTip("The optimization method (hover over an entry for its update rule).\n"
                               "Changing it continues from the current weights unless “restart on change” is on.")
        form.addRow(_row_label("method", self.method.toolTip()), self.method)
        self.method_help = QLabel("")
        self.method_help.setObjectName("opt_help")
        self.method_help.setWordWrap(True)
        self.method_help.setStyleSheet(f"color: {WINDOW.muted};")
        form.addRow(self.method_help)

        self.lr = LogSlider(1e-4, 1e6, DEFAULTS["lr"])
        self.lr.setObjectName("opt_lr")
        self.lr.setToolTip("Learning rate η in θ ← θ − η ∇J(θ) (logarithmic slider; type any value).\n"
                           "Too small and nothing moves; too large and J oscillates — the cross-entropy grows\n"
                           "only linearly in θ, so it takes a huge η (≈ 10⁴–10⁶) to make it explode (diverged).\n"
                           "gd-backtracking: the first trial step of the line search.")
        self.batch = QSpinBox()
        self.batch.setObjectName("opt_batch_size")
        self.batch.setRange(0, 1_000_000)
        self.batch.setSpecialValueText("full batch")
        self.batch.setKeyboardTracking(False)
        self.batch.setToolTip("Mini-batch size B: each step uses the gradient of B samples\n"
                              "(seeded shuffle, one pass per epoch). 0 = full batch.")
        self.beta = self._fraction_spin("opt_beta", DEFAULTS["beta"],
                                        "Momentum β: v ← βv + ∇J, θ ← θ − ηv (0 = plain gradient descent).")
        self.beta1 = self._fraction_spin("opt_beta1", DEFAULTS["beta1"],
                                         "Adam β₁: m ← β₁m + (1 − β₁)g, the running mean of the gradient.")
        self.beta2 = self._fraction_spin("opt_beta2", DEFAULTS["beta2"],
                                         "Adam β₂: v ← β₂v + (1 − β₂)g², the running mean of g²;\n"
                                         "θ ← θ − η m̂ / (√v̂ + ε) with bias-corrected m̂, v̂.")
        self.rho = self._fraction_spin("opt_rho", DEFAULTS["rho"],
                                       "RMSProp ρ: v ← ρv + (1 − ρ)g², θ ← θ − η g / (√v + ε).")
        self.eps = LogSlider(1e-12, 1.0, DEFAULTS["eps"])
        self.eps.setObjectName("opt_eps")
        self.eps.setToolTip("ε added to √(accumulator) in Adagrad / RMSProp / Adam: η g / (√v + ε).")
        self.memory = QSpinBox()
        self.memory.setObjectName("opt_memory")
        self.memory.setRange(1, 100)
        self.memory.setValue(DEFAULTS["memory"])
        self.memory.setKeyboardTracking(False)
        self.memory.setToolTip("L-BFGS memory m: the last m pairs (s, y) = (Δθ, Δ∇J) approximate H⁻¹\n"
                               "by the two-loop recursion.")
        self.opt_seed = QSpinBox()
        self.opt_seed.setObjectName("opt_seed")
        self.opt_seed.setRange(0, 2**31 - 1)
        self.opt_seed.setKeyboardTracking(False)
        self.opt_seed.setToolTip("Seed of the mini-batch shuffling (same seed: same batches).")
        self._param_widgets = {
            "lr": self.lr, "batch_size": self.batch, "beta": self.beta, "beta1": self.beta1,
            "beta2": self.beta2, "rho": self.rho, "eps": self.eps, "memory": self.memory, "seed": self.opt_seed,
        }
        labels = {"lr": "learning rate η", "batch_size": "batch size", "beta": "momentum β", "beta1": "β₁",
                  "beta2": "β₂", "rho": "ρ", "eps": "ε", "memory": "memory m", "seed": "batch seed"}
        self._param_rows = {}
        for name, w in self._param_widgets.items():
            tip = w.toolTip() or PARAM_HELP.get(name, "")
            form.addRow(_row_label(labels[name], tip), w)
            self._param_rows[name] = w
            sig = w.valueChanged
            sig.connect(self._optimizer_edited)
        self.lipschitz = QLabel("")
        self.lipschitz.setObjectName("opt_lipschitz")
        self.lipschitz.setWordWrap(True)
        self.lipschitz.setTextFormat(Qt.RichText)
        self.lipschitz.setToolTip(
            "gd-lipschitz: L is the Lipschitz constant of ∇J. Since σ'(z) = p(1 − p) ≤ 1/4,\n"
            "∇²J ≼ X̃ᵀ diag(s) X̃ / (4Σs) + λ₂I, so L = λmax(X̃ᵀ diag(s) X̃)/(4Σs) + λ₂\n"
            "(X̃ = features with a column of ones). With η = 1/L every step decreases J\n"
            "(the descent lemma; Yedida & Saha, LipschitzLR)."
        )
        form.addRow(self.lipschitz)
        self._opt_form = form
        self.method.currentIndexChanged.connect(self._method_edited)
        return g

    def _fraction_spin(self, name, value, tip) -> QDoubleSpinBox:
        w = QDoubleSpinBox()
        w.setObjectName(name)
        w.setRange(0.0, 0.9999)
        w.setDecimals(4)
        w.setSingleStep(0.01)
        w.setValue(value)
        w.setKeyboardTracking(False)
        w.setToolTip(tip)
        return w

    def _run_group(self) -> QGroupBox:
        g = QGroupBox("Run")
        form = QFormLayout(g)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        srow = QWidget()
        sl = QHBoxLayout(srow)
        sl.setContentsMargins(0, 0, 0, 0)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setObjectName("run_speed")
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setValue(SPEEDS.index(RunSettings.speed))
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(64)
        tip = ("Iterations per second while playing; rightmost: as fast as possible.\n"
               "The panels redraw at most 60 times a second whatever the speed.")
        self.speed.setToolTip(tip)
        self.speed_label.setToolTip(tip)
        sl.addWidget(self.speed, 1)
        sl.addWidget(self.speed_label)
        form.addRow(_row_label("speed", tip), srow)
        self.max_iter = QSpinBox()
        self.max_iter.setObjectName("run_max_iter")
        self.max_iter.setRange(1, 10_000_000)
        self.max_iter.setValue(RunSettings.max_iter)
        self.max_iter.setSingleStep(100)
        self.max_iter.setKeyboardTracking(False)
        self.max_iter.setToolTip("Stop after this many iterations (status max_iter).")
        form.addRow(_row_label("max iterations", self.max_iter.toolTip()), self.max_iter)
        self.tol = LogSlider(1e-12, 1e-1, RunSettings.tol)
        self.tol.setObjectName("run_tol")
        self.tol.setToolTip("Convergence tolerance: stop when ‖∇J(θ)‖∞ ≤ tol (status converged).\n"
                            "With L1, the minimum-norm subgradient is used.")
        form.addRow(_row_label("tolerance", self.tol.toolTip()), self.tol)
        self.restart = QCheckBox("restart on change")
        self.restart.setObjectName("run_restart")
        self.restart.setToolTip("Off: changing the optimizer, its learning rate or the penalty continues\n"
                                "from the current weights (a dashed line marks the change on the loss curve).\n"
                                "On: such a change starts again from θ = 0.\n"
                                "Changing the data or features always resets.")
        form.addRow("", self.restart)
        self.speed.valueChanged.connect(self._speed_edited)
        self.max_iter.valueChanged.connect(self._run_edited)
        self.tol.valueChanged.connect(self._run_edited)
        self.restart.toggled.connect(self._run_edited)
        self._speed_edited(self.speed.value(), emit=False)
        return g

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent, QTimer

        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            # the field takes the key first (it commits the value), then gives the focus up
            QTimer.singleShot(0, obj.clearFocus)
        return False

    # ------------------------------------------------------------------
    # reading
    # ------------------------------------------------------------------
    def settings(self) -> Settings:
        return Settings(self.data_settings(), self.model_settings(), self.optimizer_settings(), self.run_settings())

    def data_settings(self) -> DataSettings:
        kind, name = self.source.currentData().split(":", 1)
        features = None
        if self._view_row.isEnabled() and self.view_mode.currentData() == "features":
            i, j = self.view_x.currentIndex(), self.view_y.currentIndex()
            if i >= 0 and j >= 0 and i != j:
                features = (i, j)
        return DataSettings(
            source=name if kind != "csv" else "csv",
            path=name if kind == "csv" else None,
            n=self.n.value(), noise=self.noise.value(), classes=self.classes.value(),
            imbalance=self.imbalance.value(), label_noise=self.label_noise.value(),
            outliers=self.outliers.value(), seed=self.seed.value(),
            positive=self.positive.currentData(), test_fraction=self.test_fraction.value(),
            degree=self.degree.value(), standardize=self.standardize.isChecked(),
            view_features=features,
        )

    def model_settings(self) -> ModelSettings:
        w = self.weights.currentData()
        if w == "custom":
            w = (self.alpha0.value(), self.alpha1.value())
        return ModelSettings(
            kind=self.kind.currentData(), class_weight=w, l2=self.l2.value(), l1=self.l1.value(),
            fit_intercept=self.intercept.isChecked(),
        )

    def optimizer_settings(self) -> OptimizerSettings:
        method = self.method.currentData()
        params = []
        for name in OPTIMIZER_PARAMS.get(method, ()):
            w = self._param_widgets.get(name)
            if w is None:
                continue
            v = w.value()
            if name == "batch_size":
                v = None if v == 0 else int(v)
            params.append((name, v))
        return OptimizerSettings(method, tuple(params))

    def run_settings(self) -> RunSettings:
        return RunSettings(
            speed=SPEEDS[self.speed.value()], max_iter=self.max_iter.value(), tol=self.tol.value(),
            restart_on_change=self.restart.isChecked(),
        )

    # ------------------------------------------------------------------
    # told by the controller (no signals)
    # ------------------------------------------------------------------
    def quietly(self):
        panel = self

        class _Quiet:
            def __enter__(self_):
                panel._quiet += 1

            def __exit__(self_, *exc):
                panel._quiet -= 1

        return _Quiet()

    def set_dataset_info(self, classes, feature_names, positive=None) -> None:
        """The loaded data set's classes (for “X vs rest”) and features (for the 2-D view)."""
        with self.quietly():
            self.positive.clear()
            self.positive.addItem("all classes", None)
            for c in classes:
                self.positive.addItem(f"{c} vs rest", str(c))
            if positive is not None:
                i = self.positive.findData(str(positive))
                self.positive.setCurrentIndex(max(i, 0))
            self.positive.setEnabled(len(classes) > 2)
            names = [str(f) for f in feature_names]
            cur = (self.view_x.currentText(), self.view_y.currentText())
            if [self.view_x.itemText(i) for i in range(self.view_x.count())] != names:
                self.view_x.clear()
                self.view_y.clear()
                self.view_x.addItems(names)
                self.view_y.addItems(names)
                self.view_x.setCurrentIndex(0)
                self.view_y.setCurrentIndex(1 if len(names) > 1 else 0)
            else:
                self.view_x.setCurrentText(cur[0])
                self.view_y.setCurrentText(cur[1])
            many = len(names) > 2
            self._view_row.setEnabled(many)
            self._data_form.setRowVisible(self._view_row, many)
            self._update_view_enabled()

    def set_settings(self, st: Settings) -> None:
        """Show ``st`` in the widgets (no signals)."""
        with self.quietly():
            d, m, o, r = st.data, st.model, st.optimizer, st.run
            if d.source == "csv" and d.path:
                self.add_csv_source(d.path, d.path.rsplit("/", 1)[-1])
            elif d.source == "painted":
                self.add_painted_source()
            else:
                kind = "bundled" if d.source in BUNDLED else "gen"
                self._select_source(kind, d.source)
            self.n.setValue(d.n)
            self.noise.setValue(d.noise)
            self.classes.setValue(d.classes)
            self.imbalance.setValue(d.imbalance)
            self.label_noise.setValue(d.label_noise)
            self.outliers.setValue(d.outliers)
            self.seed.setValue(d.seed)
            self.test_fraction.setValue(d.test_fraction)
            self.degree.setValue(d.degree)
            self.standardize.setChecked(d.standardize)
            self.kind.setCurrentIndex(max(0, self.kind.findData(m.kind)))
            if m.class_weight is None or m.class_weight == "none":
                self.weights.setCurrentIndex(0)
            elif m.class_weight == "balanced":
                self.weights.setCurrentIndex(1)
            else:
                self.weights.setCurrentIndex(2)
                self.alpha0.setValue(float(m.class_weight[0]))
                self.alpha1.setValue(float(m.class_weight[1]))
            self.l2.setValue(m.l2)
            self.l1.setValue(m.l1)
            self.intercept.setChecked(m.fit_intercept)
            self.method.setCurrentIndex(max(0, self.method.findData(o.method)))
            for name, v in o.params:
                w = self._param_widgets.get(name)
                if w is not None and v is not None:
                    w.setValue(v)
            self.speed.setValue(SPEEDS.index(r.speed) if r.speed in SPEEDS else len(SPEEDS) - 1)
            self._speed_edited(self.speed.value(), emit=False)
            self.max_iter.setValue(r.max_iter)
            self.tol.setValue(r.tol)
            self.restart.setChecked(r.restart_on_change)
            self._update_data_enabled()
            self._update_optimizer_rows()
            self._update_weights_enabled()

    def set_lipschitz(self, text: str) -> None:
        self.lipschitz.setText(text)
        self.lipschitz.setVisible(bool(text))

    def add_csv_source(self, path: str, label: str) -> None:
        """Add (or select) a CSV file as the data source, without a signal."""
        with self.quietly():
            i = self.source.findData(f"csv:{path}")
            if i < 0:
                self.source.addItem(f"{label}  (CSV)", f"csv:{path}")
                self.source.setItemData(self.source.count() - 1, path, Qt.ToolTipRole)
                i = self.source.count() - 1
            self.source.setCurrentIndex(i)
            self._update_data_enabled()

    def add_painted_source(self) -> None:
        """Add (or select) "painted data" as the source, without a signal."""
        with self.quietly():
            i = self.source.findData("painted:painted")
            if i < 0:
                self.source.addItem("painted data", "painted:painted")
                self.source.setItemData(self.source.count() - 1,
                                        "The data as painted in the Paint data panel (saved in sessions).",
                                        Qt.ToolTipRole)
                i = self.source.count() - 1
            self.source.setCurrentIndex(i)
            self._update_data_enabled()

    def select_source(self, kind: str, name: str) -> None:
        """Select a data set (emits dataChanged)."""
        self._select_source(kind, name)

    def _select_source(self, kind, name):
        i = self.source.findData(f"{kind}:{name}")
        if i >= 0:
            self.source.setCurrentIndex(i)

    # ------------------------------------------------------------------
    # edits
    # ------------------------------------------------------------------
    def _emit(self, signal) -> None:
        if not self._quiet:
            signal.emit()

    def _source_changed(self, *_):
        self._update_data_enabled()
        kind = self.source.currentData().split(":", 1)[0]
        with self.quietly():
            self.positive.setCurrentIndex(0)
            self.view_mode.setCurrentIndex(0)
            if kind != "gen":  # real data: many features already, a linear model first
                self.degree.setValue(1)
                self.standardize.setChecked(True)
        self._emit(self.dataChanged)

    def _data_edited(self, *_):
        self._emit(self.dataChanged)

    def _view_edited(self, *_):
        self._update_view_enabled()
        self._emit(self.dataChanged)

    def _regenerate(self):
        self.seed.setValue(self.seed.value() + 1)  # emits dataChanged through valueChanged

    def _model_edited(self, *_):
        self._emit(self.modelChanged)

    def _weights_edited(self, *_):
        self._update_weights_enabled()
        self._emit(self.modelChanged)

    def _method_edited(self, *_):
        method = self.method.currentData()
        with self.quietly():
            if "lr" in OPTIMIZER_PARAMS.get(method, ()) and method in DEFAULT_LR:
                self.lr.setValue(DEFAULT_LR[method])
            if method == "sgd" and self.batch.value() == 0:
                self.batch.setValue(32)
        self._update_optimizer_rows()
        self._emit(self.optimizerChanged)

    def _optimizer_edited(self, *_):
        self._emit(self.optimizerChanged)

    def _speed_edited(self, pos, emit=True):
        s = SPEEDS[pos]
        self.speed_label.setText("max" if s is None else f"{s} it/s")
        if emit:
            self._emit(self.runChanged)

    def _run_edited(self, *_):
        self._emit(self.runChanged)

    # ------------------------------------------------------------------
    def _update_data_enabled(self):
        kind, name = self.source.currentData().split(":", 1)
        gen = kind == "gen"
        for w in (self.n, self.noise, self.imbalance, self.label_noise, self.outliers, self.seed, self.regenerate):
            w.setEnabled(gen)
        self.classes.setEnabled(gen and name in MULTICLASS_GENERATORS)

    def _update_view_enabled(self):
        feats = self.view_mode.currentData() == "features" and self._view_row.isEnabled()
        self.view_x.setEnabled(feats)
        self.view_y.setEnabled(feats)

    def _update_weights_enabled(self):
        custom = self.weights.currentData() == "custom"
        self.alpha0.setEnabled(custom)
        self.alpha1.setEnabled(custom)

    def _update_optimizer_rows(self):
        method = self.method.currentData()
        used = OPTIMIZER_PARAMS.get(method, ())
        for name, w in self._param_rows.items():
            self._opt_form.setRowVisible(w, name in used)
        self.method_help.setText(OPTIMIZERS.get(method, ""))
        if method != "gd-lipschitz":
            self.set_lipschitz("")
