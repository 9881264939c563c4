// swift-tools-version:6.0
import PackageDescription

// Native libraries come from Debian packages (scripts/bootstrap installs them) and are found with pkg-config.
// Supported platform: Linux (Debian 12, x86-64) with Swift 6; macOS is not supported (no libhdf5/OpenBLAS wiring).
//
// Layout: the engine (PipelineEngine) knows no paper; Sources/Shared holds what every paper uses (numerics, HDF5,
// figures, theory tables, report); each paper is one folder under Sources/Papers with its models and its stage kinds;
// AllPapers lists the papers whose kinds the CLI registers.
let inContext = "Sources/Papers/InContextAutoregression"
// swift-numerics' complex numbers. Its umbrella target is named Numerics, so ours is NumericCore (target names are
// unique across a package graph).
let complex: [Target.Dependency] = [.product(name: "ComplexModule", package: "swift-numerics"),
                                    .product(name: "RealModule", package: "swift-numerics")]
let package = Package(
    name: "icar",
    products: [
        .executable(name: "icar", targets: ["icar"]),
        .executable(name: "icar-bench", targets: ["icar-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // ComplexModule only: the complex numbers of Figure 6's phases and of the GD step-size polynomial's roots.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLinearAlgebra", pkgConfig: "lapacke",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // HDF5's type and property-list identifiers are macros over globals that Swift cannot import.
        .target(name: "HDF5Shim", dependencies: ["CHDF5"]),
        // prctl is variadic in C, which Swift cannot call.
        .target(name: "ProcessShim"),

        // Numerical kernels and file formats, shared by every stage.
        .target(name: "NumericCore", dependencies: ["CLinearAlgebra"], path: "Sources/Shared/NumericCore"),
        .target(name: "HDF5", dependencies: ["CHDF5", "HDF5Shim"], path: "Sources/Shared/HDF5"),
        // The layer library: layers with their backward passes, losses, optimisers, the training loop.
        .target(name: "Layers", dependencies: ["NumericCore"], path: "Sources/Shared/Layers"),

        // The pipeline engine: knows nothing about any paper.
        .target(name: "PipelineEngine", dependencies: ["COpenSSL"]),

        // Stage support shared by every paper: HDF5 outputs, gnuplot figures, theory tables, external programs, the report.
        .target(name: "StageSupport", dependencies: ["PipelineEngine", "NumericCore", "HDF5"], path: "Sources/Shared/StageSupport"),

        // Paper 1, Sander et al. (ICML 2024): models (no pipeline, no files), then its stage kinds.
        .target(name: "ClosedFormModels", dependencies: ["NumericCore"], path: "\(inContext)/ClosedFormModels"),
        // The sequences every model of the paper reads, and the gradient-descent and least-squares baselines on them.
        .target(name: "GradientDescentBaselines", dependencies: ["NumericCore"] + complex,
                path: "\(inContext)/GradientDescentBaselines"),
        .target(name: "AugmentedTransformer", dependencies: ["Layers", "NumericCore", "GradientDescentBaselines"],
                path: "\(inContext)/AugmentedTransformer"),
        .target(name: "PositionalModels", dependencies: ["NumericCore"] + complex, path: "\(inContext)/PositionalModels"),
        .target(name: "MultiHeadTransformer", dependencies: ["Layers", "NumericCore", "GradientDescentBaselines"],
                path: "\(inContext)/MultiHeadTransformer"),
        .target(name: "TokenEmbeddings", dependencies: ["NumericCore"], path: "\(inContext)/TokenEmbeddings"),
        .target(name: "InContextStages", dependencies: [
            "PipelineEngine", "StageSupport", "NumericCore", "HDF5",
            "ClosedFormModels", "GradientDescentBaselines", "AugmentedTransformer", "PositionalModels", "MultiHeadTransformer",
            "TokenEmbeddings",
        ], path: "\(inContext)/Stages"),

        // Paper 2, ALPINE (Wang et al., NeurIPS 2024): its GPT, a composition of the shared layers.
        .target(name: "PathFinding", dependencies: ["NumericCore"], path: "Sources/Papers/ALPINE/PathFinding"),
        .target(name: "PathFindingTransformer", dependencies: ["Layers", "NumericCore"],
                path: "Sources/Papers/ALPINE/PathFindingTransformer"),
        .target(name: "ALPINEStages", dependencies: [
            "PipelineEngine", "StageSupport", "NumericCore", "HDF5", "Layers", "PathFinding", "PathFindingTransformer",
        ], path: "Sources/Papers/ALPINE/Stages"),

        // Every paper's kinds, for the CLI.
        .target(name: "AllPapers", dependencies: ["PipelineEngine", "StageSupport", "InContextStages", "ALPINEStages"],
                path: "Sources/Papers/AllPapers"),

        .executableTarget(name: "icar", dependencies: [
            "PipelineEngine", "AllPapers", "StageSupport", "ProcessShim", "HDF5",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "icar-bench", dependencies: [
            "PipelineEngine", "NumericCore", "Layers", "ClosedFormModels", "GradientDescentBaselines", "AugmentedTransformer",
            "MultiHeadTransformer", "PathFindingTransformer",
        ]),

        .testTarget(name: "EngineTests", dependencies: ["PipelineEngine"]),
        .testTarget(name: "NumericsTests", dependencies: ["NumericCore", "HDF5"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "NumericCore"]),
        .testTarget(name: "PathFindingTests", dependencies: ["PathFinding", "NumericCore"]),
        .testTarget(name: "PathFindingTransformerTests", dependencies: ["PathFindingTransformer", "Layers", "NumericCore"]),
        .testTarget(name: "StageTests", dependencies: [
            "AllPapers", "InContextStages", "StageSupport", "PipelineEngine", "NumericCore", "HDF5",
        ]),
        .testTarget(name: "ClosedFormModelsTests", dependencies: ["ClosedFormModels", "NumericCore"]),
        .testTarget(name: "AugmentedTransformerTests", dependencies: ["AugmentedTransformer", "GradientDescentBaselines", "NumericCore"]),
        .testTarget(name: "PositionalModelsTests", dependencies: ["PositionalModels", "NumericCore"] + complex),
        .testTarget(name: "MultiHeadTransformerTests", dependencies: ["MultiHeadTransformer", "GradientDescentBaselines", "NumericCore"]),
        .testTarget(name: "TokenEmbeddingsTests", dependencies: ["TokenEmbeddings", "NumericCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["icar", "AllPapers", "PipelineEngine", "HDF5"],
                    exclude: ["Versions/ImplementationVersions.json"]),
    ],
    swiftLanguageModes: [.v5]
)
