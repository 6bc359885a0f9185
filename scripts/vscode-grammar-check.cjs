// Tokenise .rosa files with the VS Code grammar through vscode-textmate and Oniguruma.
// Usage: node vscode-grammar-check.cjs NODE_MODULES GRAMMAR_JSON ROSA_PEST DIR...
// Exits 1 with every problem listed when a pattern does not compile with Oniguruma, a
// line fails to tokenise, a keyword of rosa.pest is left uncoloured, a comment is not
// a comment, or a `rosa N` level is not coloured as a level.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, grammarPath, pestPath, ...dirs] = process.argv.slice(2);
const vsctm = require(path.join(modules, 'vscode-textmate'));
const onig = require(path.join(modules, 'vscode-oniguruma'));

function rosaFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...rosaFiles(full));
    else if (entry.name.endsWith('.rosa')) out.push(full);
  }
  return out.sort();
}

// Every spelling of every `kw_` rule: `kw_ko = @{ ("kö" | "ko") ~ !ident_char }`.
function keywords(pest) {
  const out = new Set();
  for (const line of pest.split('\n')) {
    if (!line.startsWith('kw_')) continue;
    const strings = line.slice(line.indexOf('{')).match(/"[^"]*"/g) || [];
    for (const s of strings) out.add(s.slice(1, -1));
  }
  return out;
}

function patterns(node, out) {
  if (Array.isArray(node)) node.forEach((n) => patterns(n, out));
  else if (node && typeof node === 'object') {
    for (const key of ['match', 'begin', 'end']) {
      if (typeof node[key] === 'string') out.push(node[key]);
    }
    Object.values(node).forEach((n) => patterns(n, out));
  }
  return out;
}

async function main() {
  const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma/release/onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const problems = [];
  const grammarText = fs.readFileSync(grammarPath, 'utf8');
  for (const pattern of patterns(JSON.parse(grammarText), [])) {
    try {
      new onig.OnigScanner([pattern]).dispose();
    } catch (e) {
      problems.push(`pattern ${JSON.stringify(pattern)} does not compile: ${e.message || e}`);
    }
  }
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new onig.OnigScanner(sources),
      createOnigString: (text) => new onig.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.rosa' ? vsctm.parseRawGrammar(grammarText, grammarPath) : null,
  });
  const grammar = await registry.loadGrammar('source.rosa');
  const kws = keywords(fs.readFileSync(pestPath, 'utf8'));
  if (kws.size < 30) problems.push(`only ${kws.size} keywords read from ${pestPath}`);
  let files = 0;
  let lines = 0;
  let keywordTokens = 0;
  for (const dir of dirs) {
    for (const file of rosaFiles(dir)) {
      files += 1;
      let stack = vsctm.INITIAL;
      const text = fs.readFileSync(file, 'utf8').split('\n');
      text.forEach((line, i) => {
        lines += 1;
        const where = `${file}:${i + 1}`;
        let result;
        try {
          result = grammar.tokenizeLine(line, stack);
        } catch (e) {
          problems.push(`${where}: tokenising failed: ${e.message || e}`);
          return;
        }
        stack = result.ruleStack;
        for (const token of result.tokens) {
          const value = line.slice(token.startIndex, token.endIndex);
          const scopes = token.scopes.slice(1);
          const plain = scopes.length === 0;
          for (const word of value.split(/[^\p{L}\p{M}\p{N}_-]+/u)) {
            if (plain && kws.has(word)) problems.push(`${where}: keyword \`${word}\` is not coloured`);
          }
          if (scopes.some((s) => s.startsWith('keyword.') || s.startsWith('storage.'))) keywordTokens += 1;
          if (value.startsWith('//') && plain) problems.push(`${where}: comment not coloured`);
        }
        const level = /(?<![\p{L}\p{N}_-])rosa\s+(\d+)/u.exec(line);
        const comment = line.indexOf('//');
        const quoted = (line.slice(0, level ? level.index : 0).match(/"/g) || []).length % 2 === 1;
        if (level && (comment < 0 || comment > level.index) && !quoted && !line.includes('`')) {
          const at = level.index + level[0].length - 1;
          const token = result.tokens.find((t) => t.startIndex <= at && at < t.endIndex);
          if (!token || !token.scopes.some((s) => s.startsWith('constant.numeric.level'))) {
            problems.push(`${where}: \`${level[0]}\` is not coloured as a level`);
          }
        }
      });
    }
  }
  if (files === 0) problems.push('no .rosa files found');
  if (problems.length > 0) {
    for (const p of problems.slice(0, 50)) console.error(`vscode-grammar-check: ${p}`);
    console.error(`vscode-grammar-check: ${problems.length} problems`);
    process.exit(1);
  }
  console.log(
    `vscode-grammar-check: ok (${files} files, ${lines} lines, ${keywordTokens} keyword tokens)`
  );
}

main().catch((e) => {
  console.error(`vscode-grammar-check: ${e.stack || e}`);
  process.exit(1);
});
