import StageSupport

extension InContextStages {
    /// The paper's figures in its own order, as the report shows them.
    public static let reportOutline = ReportOutline(
        id: "incontext",
        title: "How do Transformers Perform In-Context Autoregressive Learning?",
        citation: "Sander, Giryes, Suzuki, Blondel, Peyré — ICML 2024, arXiv 2402.05787",
        figures: [
            .init("fig1", title: "Figure 1 — orbits of a linear recurrence",
                  caption: "Sequences s_{t+1} = W s_t for a few rotations W ∈ SO(3): each orbit is a circle on the sphere. The in-context task is to learn W from the first tokens and continue the orbit.",
                  alt: "Four coloured circular orbits of points drawn on a grey unit sphere."),
            .init("fig3-unitary", title: "Figure 3 (left) — unitary W, exact population loss",
                  caption: "Gradient descent on the closed-form loss for commuting unitary W: the learned A, B and their product BᵀA, and the positional weights P, converge to the structure the theory predicts (BᵀA proportional to the identity).",
                  alt: "Heatmaps of the matrices A, B, BᵀA and P, and a decreasing loss curve."),
            .init("fig3-orthogonal", title: "Figure 3 (right) — commuting rotations",
                  caption: "For block-diagonal rotations the optimum is C = c·blockdiag(J) and the positional ratio p_{t,t}/p_{t,t+1} is −1/2; the heatmaps show the learned blocks and the loss curve shows convergence.",
                  alt: "Heatmaps of the learned weight blocks and a loss curve for the rotation model."),
            .init("fig3-orthogonal-seeds", title: "Figure 3 (right) over seeds — how often gradient descent converges",
                  caption: "The rotation model trained from every seed of the sweep with the settings of Figure 3 (right). A run counts as converged when C and P have the sign pattern of the zero-loss structure; the histograms show the scale c (converged runs near ±1.29, stalled ones near ±1.95) and the final loss (converged runs at round-off or slowly approaching 0, stalled ones near 1.7). The theory table gives the converged fraction and names every stalled seed.",
                  alt: "Two histograms over seeds, of the scale c and of the logarithm of the final loss, with converged and stalled runs in two colours."),
            .init("fig4", title: "Figure 4 — are real token sequences autoregressive?",
                  caption: "MiniLM token embeddings of Shakespeare (our offline stand-in for the paper's GPT-2 and Moby Dick) in sequences of 5: the error of the minimum-norm AR(1) fit that regenerates each sequence, for real text and for the same tokens shuffled. With 4 pairs in 384 dimensions a fit is exact unless a token repeats with two successors; the theory table gives both fractions.",
                  alt: "Two overlapping histograms of regeneration error, real text and shuffled control."),
            .init("fig5", title: "Figure 5 — augmented tokens, trained Transformer",
                  caption: "Test loss of 1-, 2- and 3-layer Transformers trained with Adam on Haar-random W, against k steps of in-context gradient descent; the 1-layer model's W_QᵀW_K and W_O W_V show the block structure of one GD step.",
                  alt: "Loss curves of three Transformers with horizontal lines for the gradient-descent baselines, and two heatmaps of learned weight products."),
            .init("fig5-seeds", title: "Figure 5 over seeds — spread of the test loss",
                  caption: "The final test MSE of the augmented-token Transformer for each layer count that was run, as mean ± standard deviation over seeds (each seed a point), against the k-step gradient-descent and least-squares baselines of Figure 5. The table says whether the seed Figure 5 shows is typical and whether depth helps beyond the seed-to-seed spread.",
                  alt: "Error bars of test error against the number of layers, single-seed points beside them, and horizontal dashed lines for the baselines."),
            .init("fig6", title: "Figure 6 — positional encoding only",
                  caption: "Trained positional weights P for phases of four frequencies μ, against the early-stopped gradient-descent closed form (dashed).",
                  alt: "Curves of positional weights against position for four values of μ, trained and closed form."),
            .init("fig7", title: "Figure 7 — non-augmented multi-head Transformer",
                  caption: "A 64-head model without augmented tokens: its loss curves, the head coupling O and its spectrum, and the positional weights of the main heads.",
                  alt: "Loss curves, a heatmap of the head coupling matrix, its eigenvalue spectrum, and positional weight curves of the main heads."),
        ])
}
