using System.Globalization;
using System.Text;

namespace FastBert.Manifest;

/// <summary>
/// How manifest names become C# names: PascalCasing of labels and file names, and C# identifier rules
/// (kept here without Roslyn so the build task and the tool agree with the generator).
/// </summary>
public static class ManifestNames
{
    private const string ClassifierSuffix = "Classifier";
    private const string LabelSuffix = "Label";

    // The reserved C# keywords (C# 12). They cannot be identifiers without '@', which generated names never use.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// PascalCases a label or file name. The text is split into words at every character that is not a letter, a
    /// digit or a combining mark ('_', '-', spaces, punctuation, format characters and, as UTF-16 halves,
    /// characters outside the Basic Multilingual Plane such as emoji), so "not_spam", "not-spam", "not spam" and
    /// "not.spam" all split; each word gets its first character upper-cased (invariant culture) and keeps the rest as
    /// written; the words are joined.
    /// Case changes inside a word are kept, not split: "ham" → "Ham", "not_spam" → "NotSpam",
    /// "very-positive" → "VeryPositive", "LABEL_0" → "LABEL0", "iPhone" → "IPhone", "1star" → "1star"
    /// (not an identifier: callers check <see cref="IsValidIdentifier"/>), "+" → "" (no words).
    /// </summary>
    public static string ToPascalCase(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var builder = new StringBuilder(text.Length);
        var startOfWord = true;
        foreach (var c in text)
        {
            if (!IsWordCharacter(c))
            {
                startOfWord = true;
                continue;
            }

            builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = false;
        }

        return builder.ToString();
    }

    /// <summary>
    /// camelCases an input part's name for a C# parameter: <see cref="ToPascalCase"/>, then the leading capital lower-cased,
    /// or the whole leading run of capitals but the last one before a lower-case letter, as System.Text.Json's camelCase
    /// policy does ("premise" → "premise", "text_pair" → "textPair", "Sentence 1" → "sentence1", "URLPath" → "urlPath",
    /// "URL" → "url"). Keywords stay as they are ("class"); the generator writes them with '@'.
    /// </summary>
    public static string ToCamelCase(string text)
    {
        var pascal = ToPascalCase(text);
        var chars = pascal.ToCharArray();
        for (var i = 0; i < chars.Length && char.IsUpper(chars[i]); i++)
        {
            if (i > 0 && i + 1 < chars.Length && !char.IsUpper(chars[i + 1]))
            {
                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>
    /// The plural of a camelCased part name, for the batch parameters: the last word takes the English plural ("premise" →
    /// "premises", "hypothesis" → "hypotheses", "query" → "queries", "textPair" → "textPairs", "box" → "boxes"); a trailing
    /// number stays last ("sentence1" → "sentences1", "question2" → "questions2").
    /// </summary>
    public static string ToPlural(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        var digits = name.Length;
        while (digits > 0 && char.IsDigit(name[digits - 1]))
        {
            digits--;
        }

        var stem = name.Substring(0, digits);
        var number = name.Substring(digits);
        if (stem.Length == 0)
        {
            return name + "s";
        }

        string plural;
        if (stem.EndsWith("is", StringComparison.Ordinal) && stem.Length > 2)
        {
            plural = stem.Substring(0, stem.Length - 2) + "es";
        }
        else if (stem.Length > 1 && stem[stem.Length - 1] == 'y' && "aeiou".IndexOf(stem[stem.Length - 2]) < 0)
        {
            plural = stem.Substring(0, stem.Length - 1) + "ies";
        }
        else if (stem.EndsWith("s", StringComparison.Ordinal) || stem.EndsWith("x", StringComparison.Ordinal) || stem.EndsWith("z", StringComparison.Ordinal)
            || stem.EndsWith("ch", StringComparison.Ordinal) || stem.EndsWith("sh", StringComparison.Ordinal))
        {
            plural = stem + "es";
        }
        else
        {
            plural = stem + "s";
        }

        return plural + number;
    }

    /// <summary>
    /// The default class name for a manifest file: its name without extension PascalCased, plus "Classifier"
    /// unless it already ends so ("spam.yaml" → "SpamClassifier", "sms-spam.yaml" → "SmsSpamClassifier",
    /// "spam-classifier.yaml" → "SpamClassifier").
    /// </summary>
    public static string DefaultClassName(string manifestPath)
    {
        var name = ToPascalCase(ModelName(manifestPath));
        return name.EndsWith(ClassifierSuffix, StringComparison.Ordinal) && name.Length > ClassifierSuffix.Length
            ? name
            : name + ClassifierSuffix;
    }

    /// <summary>
    /// The label enum's name for a class: the class name without a trailing "Classifier", plus "Label"
    /// ("SpamClassifier" → "SpamLabel", "Sentiment" → "SentimentLabel").
    /// </summary>
    public static string EnumName(string className)
    {
        if (className is null)
        {
            throw new ArgumentNullException(nameof(className));
        }

        var stem = className.EndsWith(ClassifierSuffix, StringComparison.Ordinal)
            ? className.Substring(0, className.Length - ClassifierSuffix.Length)
            : className;
        return stem + LabelSuffix;
    }

    /// <summary>
    /// The model name of a manifest: its file name without the last extension ("models/sms-spam.yaml" → "sms-spam").
    /// Both '/' and '\' separate folders; no file system access, and never throws for odd characters.
    /// </summary>
    public static string ModelName(string manifestPath)
    {
        if (manifestPath is null)
        {
            throw new ArgumentNullException(nameof(manifestPath));
        }

        var slash = Math.Max(manifestPath.LastIndexOf('/'), manifestPath.LastIndexOf('\\'));
        var fileName = manifestPath.Substring(slash + 1);
        var dot = fileName.LastIndexOf('.');
        return dot > 0 ? fileName.Substring(0, dot) : fileName;
    }

    /// <summary>True when <paramref name="name"/> is a reserved C# keyword (contextual keywords are not).</summary>
    public static bool IsKeyword(string name) => Keywords.Contains(name);

    /// <summary>
    /// True when <paramref name="name"/> is a C# identifier that needs no '@': it starts with a letter or '_',
    /// continues with letters, digits, connectors, combining marks or format characters, and is not a keyword.
    /// </summary>
    public static bool IsValidIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || IsKeyword(name) || !IsIdentifierStartCharacter(name[0]))
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (!IsIdentifierPartCharacter(name[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="name"/> is a namespace name: identifiers separated by single dots.</summary>
    public static bool IsValidNamespace(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var part in name.Split('.'))
        {
            if (!IsValidIdentifier(part))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True for type names made only of lowercase ASCII letters, which C# reserves for future keywords
    /// (warning CS8981 in the generated code).
    /// </summary>
    public static bool IsLowercaseAsciiName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c < 'a' || c > 'z')
            {
                return false;
            }
        }

        return true;
    }

    // Letters, digits and combining marks; everything else ('_', punctuation, spaces, format characters) separates words.
    private static bool IsWordCharacter(char c) =>
        c != '_' && (IsIdentifierStartCharacter(c) || CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
            _ => false,
        });

    private static bool IsIdentifierStartCharacter(char c) =>
        c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber => true,
            _ => false,
        };

    private static bool IsIdentifierPartCharacter(char c) =>
        IsIdentifierStartCharacter(c) || CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format => true,
            _ => false,
        };
}
