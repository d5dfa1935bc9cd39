"""The Chinese catalogue: the course's language. Keys are ``<area>.<what>``; values are
:meth:`str.format` templates. Sections belong to the code that says them; keep each
key in the section of the module that uses it."""

MESSAGES = {
    # --- shared: the explorer base (dlskills/explorers/base.py) ----------------------
    "explorer.settings_sep": "，",
    "explorer.setting": "{label} {value}",
    "explorer.result": "{settings} → {finding}",
    "explorer.error": "{settings}：出错了（{kind}：{error}）",
    "explorer.press_run": "{settings}：按 Run 开始训练",
    "explorer.training": "{settings}：训练中，{fraction:.0%}",
    "explorer.stale": "图中是上一次的结果（{settings}）；控件已改为 {new}，按 Run 用新设置训练",
    "explorer.run": "Run 运行",
    "explorer.stop": "Stop 停止",
    "explorer.progress": "进度",
    "explorer.yes": "是",
    "explorer.no": "否",

    # --- shared: exercise verdicts (dlskills/exercises/__init__.py) -------------------
    "verdict.right": "✓ 正确：{message}",
    "verdict.wrong": "✗ 还不对：{message}",
    "verdict.raised": "运行时出错 {kind}：{error}",

    # --- shared: control labels (explorers of every chapter) --------------------------
    # one label per setting name, used for the widget and in the status line
    "control.activation": "激活函数",
    "control.alpha1": "α1",
    "control.alpha2": "α2",
    "control.batchnorm": "BN",
    "control.biases": "计入偏置",
    "control.bound": "区间 bound",
    "control.decay": "衰减率 decay",
    "control.depth": "深度",
    "control.dropout": "Dropout p",
    "control.epochs": "epoch 数",
    "control.init": "初始化",
    "control.input_size": "输入维度 a",
    "control.iterations": "迭代次数",
    "control.lr": "学习率",
    "control.momentum": "动量 α",
    "control.n_train": "训练样本数",
    "control.noise": "梯度噪声",
    "control.optimizers": "优化器",
    "control.scale": "标准差 std",
    "control.schedule": "学习率衰减",
    "control.seed": "随机种子",
    "control.std": "标准差 std",
    "control.steps": "步数",
    "control.surface": "曲面",
    "control.tuned_lr": "各用调好的学习率",
    "control.value": "常数值",
    "control.weight_decay": "权值衰减 λ",
    "control.weight_scale": "权重尺度 σ",
    "control.width": "宽度",
    "control.x0": "起点 x",
    "control.y0": "起点 y",

    # --- chapter 1: gradients (experiments/views/explorers/exercises gradients.py) ----

    # --- chapter 2: optimizers --------------------------------------------------------

    # --- chapter 3: initialization ----------------------------------------------------

    # --- chapter 4: regularization ----------------------------------------------------

    # --- figures shared by several chapters (views/style.py, views/curves.py) ---------
}
