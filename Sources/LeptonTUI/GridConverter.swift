import LeptonRender

/// Resolves the semantic styles of a rendered `Grid` into terminal colours.
struct GridConverter {
  let theme: Theme
  let support: ColorSupport
  /// Resolved styles by `Style`. A dashboard uses a few dozen distinct styles, so
  /// each is resolved once instead of once per cell.
  private var cache: [Style: ResolvedStyle] = [:]

  init(theme: Theme, support: ColorSupport) {
    self.theme = theme
    self.support = support
  }

  mutating func resolve(_ style: Style) -> ResolvedStyle {
    if let cached = cache[style] { return cached }
    let resolved = theme.resolve(style, support: support)
    cache[style] = resolved
    return resolved
  }

  mutating func snapshot(of grid: Grid) -> ScreenSnapshot<DrawnCell> {
    var cells: [DrawnCell] = []
    cells.reserveCapacity(grid.cells.count)
    for cell in grid.cells {
      cells.append(DrawnCell(character: cell.character, style: resolve(cell.style)))
    }
    return ScreenSnapshot(width: grid.width, height: grid.height, cells: cells)
  }
}
