/** The block's editor side: the block renders on the server (the form and its results), so the editor shows a label. */
declare const wp: {
  blocks: { registerBlockType(name: string, settings: object): void };
  element: { createElement(type: string, props: object, ...children: unknown[]): unknown };
  i18n: { __(text: string, domain: string): string };
};

wp.blocks.registerBlockType("api-credits/search", {
  apiVersion: 2,
  title: wp.i18n.__("Search this site", "api-credits"),
  icon: "search",
  category: "widgets",
  edit: () =>
    wp.element.createElement(
      "div",
      { className: "api-credits-search-placeholder" },
      wp.i18n.__("Search this site (answers come from the site's knowledge base)", "api-credits"),
    ),
  save: () => null,
});
