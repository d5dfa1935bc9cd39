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
    # experiments/optimizers.py: how a run ended (statuses and findings)
    "optimizers.sep": "；",
    "optimizers.outcomes": "{outcomes}",
    "optimizers.outcome.gap": "{name}：f − f_min = {gap:.2g}",
    "optimizers.outcome.below_floor": "{name}：f − f_min < {floor:.0e}",
    "optimizers.outcome.diverged": "{name} 在第 {step} 步发散",
    "optimizers.outcome.none": "没有选中优化器",
    "optimizers.train.completed": "{name}：损失 {loss:.3f}，测试准确率 {accuracy:.1%}",
    "optimizers.train.diverged": "{name} 在第 {iteration} 次迭代发散",
    "optimizers.train.stopped": "{name} 在第 {iteration} 次迭代停下",
    "optimizers.seeds.order": "{n} 个种子里每次都成立的顺序（最后的损失从低到高）：{order}",
    "optimizers.seeds.order_mixed": "{n} 个种子里每次都成立的顺序（最后的损失从低到高）：{order}；"
                                    "{names} 谁更低因种子而异",
    # explorers/optimizers.py: control texts
    "optimizers.lr_default": "各用常用值",
    # views/optimizers.py: figure titles, axes, legends
    "optimizers.fig.f_title": "离最小值还差多少",
    "optimizers.fig.step": "步数 step",
    "optimizers.fig.gap_axis": "f(x, y) − f_min（对数坐标）",
    "optimizers.fig.lr_axis": "学习率 learning rate（对数坐标）",
    "optimizers.fig.lowest": "{steps} 步后最低：{label}（f − f_min = {gap:.2g}）",
    "optimizers.fig.lowest_floor": "{steps} 步后最低：{label}（f − f_min < {floor:.0e}）",
    "optimizers.fig.diverged": "发散：{runs}",
    "optimizers.fig.diverged_run": "{label} 第 {step} 步",
    "optimizers.fig.legend_diverged": "{label}（第 {step} 步发散）",
    "optimizers.fig.iteration": "迭代次数 iteration",
    "optimizers.fig.loss_axis": "训练损失 loss（对数坐标）",
    "optimizers.fig.epoch": "epoch",
    "optimizers.fig.acc_axis": "测试准确率 accuracy",
    "optimizers.fig.acc_title": "每个 epoch 结束时的测试准确率",
    "optimizers.fig.lowest_loss": "这次运行损失最低：{label}（{loss:.3f}）",
    "optimizers.fig.times_higher": "{label} 高 {ratio:.1f} 倍",
    "optimizers.fig.run_diverged": "{label} 发散",
    "optimizers.fig.press_run": "按 Run 开始训练",
    "optimizers.fig.legend_training": "{label}（训练中）",
    "optimizers.fig.legend_diverged_at": "{label}（第 {iteration} 次迭代发散）",
    "optimizers.fig.legend_stopped_at": "{label}（第 {iteration} 次迭代停下）",
    "optimizers.fig.seed_loss_axis": "最后 {window} 次迭代的平均损失（对数坐标）",
    "optimizers.fig.seed_title": "{n} 个随机种子，每个点是一次训练",
    # the notebook's figure titles (notebooks/02_optimizers.ipynb)
    "optimizers.note.local_stop": "SGD 停在局部最小值 x = {x:.2f}：f 比全局最小值高 {gap:.2f}",
    "optimizers.note.saddle": "SGD 的 {total} 个点里有 {near} 个离鞍点不到 0.3",
    "optimizers.note.slow": "30 步后 lr=0.1 的 x 还在 {x_slow:.2f}；lr=0.95 到了 {x_fast:.2f}，"
                            "但在 y 方向来回震荡",
    "optimizers.note.noise": "有噪声的梯度：最后 50 步里 StepLR 的平均 f 比不衰减低 {ratio:.0f} 倍",
    "optimizers.note.course_momentum": "课文的代码只动 y：x 一直停在 {x:.2f}",
    "optimizers.note.course_label": "课文的 Momentum",
    # views/course_figures.py: the course text's learning-rate decay figures
    "optimizers.course.step": "StepLR：每 20 个 epoch 乘 0.7",
    "optimizers.course.multistep": "MultiStepLR：在 epoch 10、50、200 各乘 0.7",
    "optimizers.course.multistep_k": "k(e)：到第 e 个 epoch 为止已过的里程碑数",
    "optimizers.course.exponential": "ExponentialLR：每个 epoch 乘 0.99",
    "optimizers.course.final": "第 {epochs} 个 epoch：学习率 {lr:.2g}（起始值的 {ratio:.2g} 倍）",
    # exercises/optimizers.py: checker messages
    "optimizers.check.right": "与参考实现 dl.{reference} 一致（{n_params} 个参数、{n_steps} 步、"
                              "学习率在步间变化）",
    "optimizers.check.cannot_build": "无法创建优化器 {name}({args})：{kind}：{error}",
    "optimizers.check.update_raised": "第 {step} 步调用 update 出错：{kind}：{error}",
    "optimizers.check.grads_changed": "第 {step} 步 update 改动了梯度 grads['{param}']"
                                      "（应当只更新 params，不改 grads）",
    "optimizers.check.nothing_moved": "第 {step} 步调用 update 后，参数一个都没有变"
                                      "（update 还没有更新 params）",
    "optimizers.check.missing_key": "第 {step} 步后 params 里没有 '{param}' 了",
    "optimizers.check.shape": "第 {step} 步后 params['{param}'] 的形状是 {got}，应为 {want}",
    "optimizers.check.mismatch": "第 {step} 步后参数 {where} 应为 {want:.6g}，实际是 {got:.6g}",
    "optimizers.check.not_updated": "第 {step} 步后参数 {where} 应为 {want:.6g}，实际是 {got:.6g}"
                                    "（这个参数在这一步没有更新）",
    "optimizers.check.only_last": "第 {step} 步后参数 {where} 应为 {want:.6g}，实际是 {got:.6g}"
                                  "（这个参数在这一步没有更新；只有最后一个参数 '{last}' 变了——"
                                  "检查更新参数的那一行是否缩进在 for 循环里面）",

    # --- chapter 3: initialization ----------------------------------------------------

    # --- chapter 4: regularization ----------------------------------------------------

    # --- figures shared by several chapters (views/style.py, views/curves.py) ---------
}
