import Testing
@testable import AugmentedTransformer
