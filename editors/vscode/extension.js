// The rosa extension: colours come from syntaxes/rosa.tmLanguage.json; everything
// else (diagnostics, formatting, hover, completion) from the language server that
// `rosa lsp` starts. No build step: `npm install` and this file are all it needs.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('rosa').get('path') || 'rosa';
  const serverOptions = { command, args: ['lsp'], transport: TransportKind.stdio };
  const clientOptions = {
    // Saved files and new, unsaved ones (an untitled buffer is checked on its own).
    documentSelector: [
      { scheme: 'file', language: 'rosa' },
      { scheme: 'untitled', language: 'rosa' },
    ],
    // The server asks the editor to watch rule files and scripts itself, so that files
    // changed outside the editor (git, `rosa fmt`) are checked again.
  };
  client = new LanguageClient('rosa', 'rosa', serverOptions, clientOptions);
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `Kunde inte starta \`${command} lsp\`: ${error.message}. ` +
        'Installera rosa, eller ange var programmet finns i inställningen rosa.path.'
    );
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
