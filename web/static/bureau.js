/* The door (émargement): the search field has the focus when the page opens, and its text,
   the previous search, is selected so that the next name typed replaces it. */
"use strict";
(function () {
  const search = document.getElementById("recherche");
  if (!search || !search.hasAttribute("autofocus")) return;
  search.focus();
  if (search.value) search.select();
})();
