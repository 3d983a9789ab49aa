/**
 * Custom Elements Manifest of the site's elements, generated from their JSDoc: `npm run manifest`
 * writes test-output/custom-elements.json; tests/unit/manifest.test.ts checks that every public
 * property, attribute and event of every element is documented.
 */

/**
 * Lit's `static properties = { x: { state: true } }` is internal reactive state, not part of the
 * element's contract; the analyzer's Lit plugin lists it as a public property and attribute, so
 * this drops it (as `@state()` would).
 */
function internalState() {
  /** Class name -> names of its `state: true` properties. */
  const stateNames = new Map();
  return {
    name: 'pixelwise-internal-state',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        if (member.name?.getText() !== 'properties' || !member.initializer) continue;
        if (!ts.isObjectLiteralExpression(member.initializer)) continue;
        const names = member.initializer.properties
          .filter(
            (p) =>
              ts.isPropertyAssignment(p) &&
              ts.isObjectLiteralExpression(p.initializer) &&
              p.initializer.properties.some(
                (o) => o.name?.getText() === 'state' && o.initializer?.getText() === 'true',
              ),
          )
          .map((p) => p.name.getText());
        stateNames.set(node.name.getText(), new Set(names));
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        const state = stateNames.get(declaration.name);
        if (!state) continue;
        declaration.members = declaration.members?.filter((m) => !state.has(m.name));
        declaration.attributes = declaration.attributes?.filter(
          (a) => !state.has(a.fieldName ?? a.name),
        );
      }
    },
  };
}

export default {
  globs: ['src/components/pw-*.ts'],
  outdir: 'test-output',
  litelement: true,
  packagejson: false,
  plugins: [internalState()],
};
