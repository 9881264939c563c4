/// The cells of one stage of pipeline.json: none for a plain stage (one cell without coordinates), else the grid
/// it inherits from its family inputs (their natural join) times its own matrix.
struct FamilyGrid {
    /// Dimension names in cell-name order.
    private(set) var dimensions: [String] = []
    /// Every cell, its coordinates in `dimensions` order; a plain stage has the one empty cell.
    private(set) var cells: [[CellCoordinate]] = [[]]
    /// Dimension → the stage whose own matrix declared it (for messages).
    private(set) var declaredBy: [String: String] = [:]

    var isFamily: Bool { !dimensions.isEmpty }

    /// The natural join with an input family: every pair of cells that agree on the shared dimensions, the new
    /// dimensions appended in the input's order.
    func joined(with other: FamilyGrid) -> FamilyGrid {
        let shared = Set(dimensions).intersection(other.dimensions)
        var result = FamilyGrid()
        result.dimensions = dimensions + other.dimensions.filter { !shared.contains($0) }
        result.declaredBy = declaredBy.merging(other.declaredBy) { first, _ in first }
        result.cells = cells.flatMap { mine in
            other.cells.compactMap { theirs -> [CellCoordinate]? in
                for coordinate in theirs where shared.contains(coordinate.name) {
                    guard let own = mine.first(where: { $0.name == coordinate.name }),
                          StageCell.sameValue(own.value, coordinate.value) else { return nil }
                }
                return mine + theirs.filter { !shared.contains($0.name) }
            }
        }
        return result
    }

    /// Every cell extended by every combination of the stage's own values (the first dimension varies slowest).
    func product(with own: [(name: String, values: [JSONValue])], declaredBy stage: String) -> FamilyGrid {
        var result = self
        for dimension in own {
            result.dimensions.append(dimension.name)
            result.declaredBy[dimension.name] = stage
            result.cells = result.cells.flatMap { cell in
                dimension.values.map { cell + [CellCoordinate(name: dimension.name, value: $0)] }
            }
        }
        return result
    }

    /// The index of the cell whose coordinates are those of `cell` on this grid's dimensions (the restriction).
    func index(ofRestrictionOf cell: [CellCoordinate]) -> Int? {
        cells.firstIndex { candidate in
            candidate.allSatisfy { coordinate in
                cell.contains { $0.name == coordinate.name && StageCell.sameValue($0.value, coordinate.value) }
            }
        }
    }
}
