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
            .init("alpine", title: "The checks of §7 on this run",
                  caption: "Data invariants, Theorem 3 on the simplified model, accuracy, attention, the W_M′ and W_V′ readouts (including the must-not-learn row) and Table 1's additivity cosine.",
                  alt: "A table of checks."),
        ])
}
