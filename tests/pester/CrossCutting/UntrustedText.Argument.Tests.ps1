# UntrustedText.Argument quotes a name for a command a message tells the user to paste (the Firefox remedy names a
# profile). PowerShell takes typographic quotes for quotes too, so each one in the name must be doubled or the pasted
# command does not parse. The quote characters are not listed here: the parser is asked which characters open and
# close a string, so a quote a future PowerShell adds is tested too.
BeforeDiscovery {
    $parse = { param($Text) $t = $e = $null; [Management.Automation.Language.Parser]::ParseInput($Text, [ref]$t, [ref]$e), $e }
    $script:Quotes = foreach ($code in 0..0xFFFF) {
        if ($code -ge 0xD800 -and $code -le 0xDFFF) { continue }
        $c = [char]$code
        $ast, $errors = & $parse "Write-Output ${c}x${c}"
        if ($errors.Count) { continue }
        $elements = $ast.EndBlock.Statements[0].PipelineElements[0].CommandElements
        if ($elements.Count -eq 2 -and $elements[1].Value -eq 'x' -and $elements[1].StringConstantType -in 'SingleQuoted', 'DoubleQuoted') {
            @{ Quote = [string]$c; Code = $code.ToString('X4'); Kind = $elements[1].StringConstantType }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    # UntrustedText is internal to the core; its Argument is what every remedy message goes through.
    $script:Argument = [SmartCardPS.Pkcs11.Pkcs11Token].Assembly.GetType('SmartCardPS.Text.UntrustedText', $true).GetMethod('Argument')

    # The value PowerShell reads from `Write-Output <argument>`; throws when it does not parse as one literal string.
    function Read-PastedArgument([string] $Argument) {
        $tokens = $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseInput("Write-Output $Argument", [ref]$tokens, [ref]$errors)
        if ($errors.Count) { throw "Write-Output $Argument does not parse: $($errors[0].Message)" }
        $elements = $ast.EndBlock.Statements[0].PipelineElements[0].CommandElements
        if ($elements.Count -ne 2) { throw "Write-Output $Argument has $($elements.Count - 1) arguments" }
        $elements[1].StringConstantType | Should -Be 'SingleQuoted'
        $elements[1].Value
    }
}

Describe 'UntrustedText.Argument' {
    It 'is tested over the quotes PowerShell knows: the ASCII ones and the typographic single and double quotes' {
        $Quotes.Code | Should -Be @('0022', '0027', '2018', '2019', '201A', '201B', '201C', '201D', '201E')
    }

    It 'quotes a name holding <Kind> quote U+<Code> (<Quote>) so that PowerShell reads it back as typed' -ForEach $Quotes {
        foreach ($name in "Bob${Quote}s", $Quote, "$Quote$Quote$Quote", "${Quote}x$Quote", "x$Quote") {
            Read-PastedArgument $Argument.Invoke($null, @($name)) | Should -BeExactly $name
        }
    }

    It 'quotes a name holding every quote at once, and $, backtick and parentheses, as one literal' {
        $name = (-join $Quotes.Quote) + ' $(Remove-Item x) `$y ${z} @w ' + (-join $Quotes.Quote)
        Read-PastedArgument $Argument.Invoke($null, @($name)) | Should -BeExactly $name
    }
}
