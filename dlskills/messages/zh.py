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
    # training statuses (experiments/regularization.py)
    "reg.status.completed": "训练完成",
    "reg.status.running": "训练中",
    "reg.status.not_started": "还没有训练",
    "reg.status.stopped": "在第 {iteration} 次迭代停止",
    "reg.status.diverged": "在第 {iteration} 次迭代发散",
    # a run's finding (explorer statuses, figure titles)
    "reg.finding.run.validation": "{status}：训练 {train:.1f}%，验证 {held_out:.1f}%，"
                                  "差距 {gap:.1f} 个百分点",
    "reg.finding.run.test": "{status}：训练 {train:.1f}%，测试 {held_out:.1f}%，"
                            "差距 {gap:.1f} 个百分点",
    # figures (views/regularization.py); axis labels keep the English term
    "reg.axis.epoch": "epoch",
    "reg.axis.iteration": "迭代次数 iteration",
    "reg.axis.accuracy": "准确率 accuracy (%)",
    "reg.axis.train_accuracy": "训练准确率 (%)",
    "reg.axis.final_train_accuracy": "最终训练准确率 (%)",
    "reg.axis.norm": "权重范数 ||W||（所有层）",
    "reg.axis.loss": "训练损失 loss（平滑）",
    "reg.axis.activation": "激活值",
    "reg.axis.share": "占比",
    "reg.axis.weight_scale": "初始权重尺度 σ（W 的标准差）",
    "reg.axis.final_val_accuracy": "最终验证准确率 (%)",
    "reg.axis.final_gap": "最终差距：训练 − 验证（百分点）",
    "reg.axis.final_accuracy": "最终准确率 (%)",
    "reg.axis.lambda": "权值衰减 λ（对数刻度）",
    "reg.legend.best_val": "验证最好：λ={lam:g}",
    "reg.split.train": "训练 train",
    "reg.split.validation": "验证 validation",
    "reg.split.test": "测试 test",
    "reg.legend.previous": "上一次（{settings}）",
    "reg.legend.this": "本次（{settings}）",
    "reg.legend.this_run": "本次",
    "reg.legend.with_bn": "有 BN",
    "reg.legend.without_bn": "无 BN",
    "reg.on": "开",
    "reg.off": "关",
    "reg.gap": "差距\n{gap:.1f} 点",
    "reg.title.press_run": "按 Run 开始训练",
    "reg.title.norm": "||W||：开始 {start:.1f} → 最后 {end:.1f}",
    "reg.title.panel.validation": "{label}：验证 {acc:.1f}%",
    "reg.title.panel.test": "{label}：测试 {acc:.1f}%",
    "reg.title.smallest_norm": "权重范数最小的是\n{label}",
    "reg.title.diverged": "{status}：\n损失溢出",
    "reg.title.layer": "第 {layer} 层",
    "reg.title.std": "标准差 {std:.2g}",
    "reg.title.row": "{label}\n占比",
    "reg.title.activations": "{activation} 各层激活值（截断到 [{low:g}, {high:g}]）",
    "reg.title.bn": "{activation}，σ={scale:.1e}，BN {bn}；初始化时激活值的标准差："
                    "第 1 层 {first:.2g}，第 {n} 层 {last:.2g}",
    "reg.title.sweep": "有 BN 的最终训练准确率高出 2 个百分点以上的尺度：{better}/{total}",
    "reg.title.scale": "σ = {scale:.2g}",
    "reg.title.seeds": "{n} 个种子：每个点是一个种子的最后一个 epoch，横线是平均",
    "reg.title.lambda": "验证集上的 λ 搜索（对数刻度，种子 {seed}，单次运行）",
    "reg.label.technique.baseline": "不加正则化",
    "reg.label.technique.weight_decay": "权值衰减 λ={value:g}",
    "reg.label.technique.dropout": "Dropout p={value:g}",
    "reg.label.technique.batch_norm": "BN",
    "reg.label.technique.more_data": "更多数据 n={value}",
    # exercises (exercises/regularization.py)
    "reg.ex.raised": "你的函数报错了 {kind}：{error}",
    "reg.ex.no_return": "函数没有返回结果（忘了 return？）",
    "reg.ex.shape": "输出的形状应该是 {want}，你的是 {got}",
    "reg.ex.bn.nan": "有 nan 或 inf：第 3 列的值全部相同（方差为 0），分母里要加 ε",
    "reg.ex.bn.ddof": "方差要除以 n（批次样本数），不是 n-1",
    "reg.ex.bn.no_affine": "标准化之后还要缩放与平移：y = γ·x̂ + β",
    "reg.ex.bn.no_beta": "忘了加 β",
    "reg.ex.bn.no_gamma": "忘了乘 γ",
    "reg.ex.bn.no_mean": "没有减去批次均值 μ",
    "reg.ex.bn.variance": "要除以标准差 sqrt(σ² + ε)，不是方差",
    "reg.ex.bn.axis": "均值和方差要沿批次方向（axis=0，每个特征一组）计算，不是每个样本一组",
    "reg.ex.bn.other": "输出和 γ·(x-μ)/sqrt(σ²+ε) + β 不一致",
    "reg.ex.bn.in_place": "函数改动了输入 x；请只计算输出，不要原地修改 x",
    "reg.ex.bn.right": "四步（均值、方差、标准化、缩放平移）都对了",
    "reg.ex.dropout.test_mode": "测试阶段（train=False）应原样返回 x：不丢弃，也不缩放",
    "reg.ex.dropout.share": "p={p} 时应有约 {want:.0%} 的值被置 0，你的是 {got:.1%}",
    "reg.ex.dropout.not_scaled": "保留下来的值还要乘 1/(1-p)，训练时的期望才不变",
    "reg.ex.dropout.old_scale": "保留下来的值要乘 1/(1-p)（放大），不是乘 (1-p)",
    "reg.ex.dropout.wrong_scale": "保留下来的值应该等于 x/(1-p)",
    "reg.ex.dropout.mean": "训练时输出的均值应和输入的均值基本相同",
    "reg.ex.dropout.rng": "随机数请用传入的 rng（例如 rng.random(x.shape)），同一个种子应得到同一个掩码",
    "reg.ex.dropout.right": "训练时按 p 丢弃并放大 1/(1-p)，测试时原样输出",
    "reg.ex.old.not_number": "请填一个数，你填的是 {answer!r}",
    "reg.ex.old.right": "训练时保留的比例是 1-p = {keep:g}，测试时乘它，期望就一致了",
    "reg.ex.old.inverted": "1/(1-p) 是倒置 Dropout 在训练时的放大系数；旧式做法在测试时要缩小",
    "reg.ex.old.p": "p 是丢弃的比例；测试时要乘的是保留的比例",
    "reg.ex.old.other": "训练时每个值只以 1-p 的概率保留，期望是 (1-p)·x；你的 {value:g} 不对",
    "reg.ex.wd.not_number": "λ 要是一个数，你填的是 {answer!r}",
    "reg.ex.wd.negative": "λ 要是一个非负数，你填的是 {answer!r}",
    "reg.ex.wd.too_small": "差距只从 {baseline_gap:.1f} 缩小到 {gap:.1f} 个百分点"
                           "（要缩小至少 1/4）：λ 再大一些",
    "reg.ex.wd.too_large": "差距缩小了，但验证准确率从 {baseline_val:.1f}% 掉到 {val:.1f}%："
                           "这是欠拟合，λ 太大了",
    "reg.ex.wd.right": "λ={lam:g}：差距从 {baseline_gap:.1f} 缩小到 {gap:.1f} 个百分点，"
                       "验证准确率 {baseline_val:.1f}% → {val:.1f}%（损失不到 10 个百分点）",
    "reg.ex.wd.measured": "λ=0：训练 {baseline_train:.1f}%，验证 {baseline_val:.1f}%，"
                          "差距 {baseline_gap:.1f} | λ={lam:g}：训练 {train:.1f}%，"
                          "验证 {val:.1f}%，差距 {gap:.1f}",

    # --- figures shared by several chapters (views/style.py, views/curves.py) ---------
}
