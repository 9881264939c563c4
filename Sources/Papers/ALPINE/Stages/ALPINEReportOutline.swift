import StageSupport

extension ALPINEStages {
    /// The paper's figures in its own order, as the report shows them.
    public static let reportOutline = ReportOutline(
        id: "alpine",
        title: "ALPINE: Unveiling the Planning Capability of Autoregressive Learning in Language Models",
        citation: "Wang, Shen, Feng, Sun, Teng, Chen — NeurIPS 2024, arXiv 2405.09220",
        figures: [
            .init("alpine-fig1", title: "Figure 1 — adjacency in the simplified model",
                  caption: "The true adjacency of a 10-node DAG and the W^M learned by gradient descent on D1 (one-edge lines), D2 (plus a fifth of the longer paths) and D3 (every path): W^M is high on the observed edges.",
                  alt: "Four square heatmaps: the true adjacency, then W^M after each dataset."),
            .init("alpine-fig2", title: "Figure 2 — reachability in the simplified model",
                  caption: "True reachability, the reachability each dataset shows, and the W^V learned from it: W^V is high only where reachability was observed, never where it holds only transitively.",
                  alt: "Seven square heatmaps: R_true, R_obs for D1 to D3, W^V for D1 to D3."),
            .init("alpine-fig3", title: "Figure 3 — accuracy over layers × heads",
                  caption: "Sampled test accuracy (10,000 completions per cell) of GPTs with 1–6 layers and 1–6 heads at d = 120, one panel per graph size. The paper profile runs a CPU-sized corner of the grid (1–2 layers × 1–2 heads, n = 100, 1000 steps each); the grid profile runs the paper's.",
                  alt: "Heatmaps of accuracy with layers down and heads across, each cell labelled with its accuracy."),
            .init("alpine-fig4", title: "Figure 4 — attention sits on the target",
                  caption: "The trained 1-layer, 1-head GPT's attention averaged over teacher-forced test lines: the rows that predict path nodes put their weight on key 1, the target t.",
                  alt: "A lower-triangular heatmap with a bright column at key position 1."),
            .init("alpine-fig5", title: "Figure 5 — W_M′ stores the adjacency",
                  caption: "(a) The first 20 × 20 block of W_M′ with the true edges outlined in red; (d) the gap between its mean on edges and on non-edges over the checkpoints.",
                  alt: "A heatmap with red boxes on its bright entries, and a rising curve of the weight gap."),
            .init("alpine-fig6", title: "Figure 6 — W_V′ stores only observed reachability",
                  caption: "(a) Mean W_V′ on observed, reachable-but-unobserved and unreachable pairs over training: the second stays with the third; right, accuracy by degree class of the test pair.",
                  alt: "Three curves of mean W_V′ over training steps and a bar chart of accuracy per degree class."),
            .init("alpine-fig3-degrees", title: "Figure 6 (b–d) — the grid by degree class",
                  caption: "The accuracy grid of Figure 3 split by the degree class of the test pair (0, 1, 2): pairs whose paths need more unobserved reachability are harder.",
                  alt: "Three heatmaps per graph size, one per degree class, each cell labelled with its accuracy."),
            .init("alpine-fig11", title: "Figure 11 — Blocksworld: the model learns the moves",
                  caption: "The 73 states of four blocks, an edge for each legal move: (a) the adjacency; (b) W_M′ of the widest 1-layer, 1-head model, which reproduces it; (c) its attention averaged over test lines, concentrated on the target; (d) sampled test accuracy and (e) the W_M′ gap between moves and non-moves over training, one curve per width d.",
                  alt: "Three heatmaps (adjacency, W_M′, attention) above two line charts with one curve per width: accuracy and the W_M′ gap against the training step."),
            .init("alpine-fig12", title: "Figure 12 — Blocksworld: W_V′ stores the observed reachability",
                  caption: "(a) The reachability the training paths show (the 24 single towers, nodes 0–23, are only ever a path's ends, so their columns hold only the diagonal); (b) W_V′ of the widest model, darker in those columns; (c) the gap of W_V′ between observed and unobserved pairs over training, one curve per width d.",
                  alt: "Two heatmaps (R_obs, W_V′) and a line chart with one curve per width of the W_V′ gap against the training step."),
            .init("alpine-blocksworld", title: "The checks of App. F (Blocksworld)",
                  caption: "The graph's facts (73 states by the Lah numbers, symmetric, strongly connected, the towers first), the 80/20 split, cycle-free paths, no test pair of degree 2 or more, the accuracy and the gaps of every width.",
                  alt: "A table of checks."),
            .init("alpine", title: "The checks of §7 on this run",
                  caption: "Data invariants, Theorem 3 on the simplified model, accuracy, attention, the W_M′ and W_V′ readouts (including the must-not-learn row) and Table 1's additivity cosine.",
                  alt: "A table of checks."),
        ])
}
