# Dot-sourced by the view tests: reads a table back from the text Format-Table wrote.

# The text of each column of a rendered table, its cell lines joined by single spaces, keyed by the column's header.
# A view that wraps at spaces gives each value back unbroken; a cell cut ('…') or broken mid-word does not. Columns are
# found from the dashes under the header (each runs from its dashes to the next column's), so a wrapped row's
# continuation lines land in their own columns.
function Get-TableColumnText([string[]] $Lines) {
    $dash = 0
    while ($dash -lt $Lines.Count -and $Lines[$dash] -notmatch '^\s*-+( +-+)*\s*$') { $dash++ }
    if ($dash -ge $Lines.Count) { throw 'No table header (a line of dashes) in the text.' }
    $spans = [regex]::Matches($Lines[$dash], '-+')
    $header = $Lines[$dash - 1].PadRight($Lines[$dash].Length)
    $pieces = [ordered]@{}
    foreach ($span in $spans) { $pieces[$header.Substring($span.Index, $span.Length).Trim()] = [Collections.Generic.List[string]]::new() }
    foreach ($line in $Lines[($dash + 1)..($Lines.Count - 1)]) {
        for ($i = 0; $i -lt $spans.Count; $i++) {
            $start = $spans[$i].Index
            $end = if ($i + 1 -lt $spans.Count) { $spans[$i + 1].Index } else { [Math]::Max($line.Length, $start) }
            if ($line.Length -le $start) { continue }
            $piece = $line.Substring($start, [Math]::Min($end, $line.Length) - $start).Trim()
            if ($piece) { $pieces[@($pieces.Keys)[$i]].Add($piece) }
        }
    }
    $columns = [ordered]@{}
    foreach ($key in $pieces.Keys) { $columns[$key] = $pieces[$key] -join ' ' }
    [pscustomobject]$columns
}
