// swift-tools-version:6.0
import PackageDescription

// Native libraries come from Debian packages (scripts/bootstrap installs them) and are found with pkg-config.
let package = Package(
    name: "icar",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "icar", targets: ["icar"]),
        .executable(name: "icar-bench", targets: ["icar-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .target(name: "Numerics", dependencies: ["CLinearAlgebra"]),
        .target(name: "HDF5", dependencies: ["CHDF5", "HDF5Shim"]),

        // The paper's models: losses, forward and backward passes, closed forms. No pipeline, no files.
        .target(name: "ClosedFormModels", dependencies: ["Numerics"]),
        .target(name: "AugmentedTransformer", dependencies: ["Numerics"]),
        .target(name: "PositionalModels", dependencies: ["Numerics"]),
        .target(name: "MultiHeadTransformer", dependencies: ["Numerics"]),
        .target(name: "TokenEmbeddings", dependencies: ["Numerics"]),

        // The pipeline engine: knows nothing about the paper.
        .target(name: "PipelineEngine", dependencies: ["COpenSSL"]),

        // The paper's stage kinds.
        .target(name: "PaperStages", dependencies: [
            "PipelineEngine", "Numerics", "HDF5",
            "ClosedFormModels", "AugmentedTransformer", "PositionalModels", "MultiHeadTransformer", "TokenEmbeddings",
        ]),

        .executableTarget(name: "icar", dependencies: [
            "PipelineEngine", "PaperStages", "ProcessShim",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "icar-bench", dependencies: [
            "PipelineEngine", "Numerics", "ClosedFormModels", "AugmentedTransformer", "MultiHeadTransformer",
        ]),

        .testTarget(name: "EngineTests", dependencies: ["PipelineEngine"]),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "HDF5"]),
        .testTarget(name: "StageTests", dependencies: ["PaperStages", "PipelineEngine", "Numerics", "HDF5"]),
        .testTarget(name: "ClosedFormModelsTests", dependencies: ["ClosedFormModels", "Numerics"]),
        .testTarget(name: "AugmentedTransformerTests", dependencies: ["AugmentedTransformer", "Numerics"]),
        .testTarget(name: "PositionalModelsTests", dependencies: ["PositionalModels", "Numerics"]),
        .testTarget(name: "MultiHeadTransformerTests", dependencies: ["MultiHeadTransformer", "Numerics"]),
        .testTarget(name: "TokenEmbeddingsTests", dependencies: ["TokenEmbeddings", "Numerics"]),
        .testTarget(name: "EndToEndTests", dependencies: ["icar", "PipelineEngine", "HDF5"]),
    ],
    swiftLanguageModes: [.v5]
)
