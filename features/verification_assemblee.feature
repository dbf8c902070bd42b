# language: fr
Fonctionnalité: Vérifier une assemblée close
  À la clôture d'une assemblée, Gouvernance publie son fichier de vérification : les règles
  figées avec elle, la participation par collège, les voix de chaque résolution par collège et
  par choix, les reçus des bulletins comptés et les résultats du procès-verbal. La commande
  « gouvernance assemblies verify » et le script autonome docs/verifier_assemblee.py refont le
  calcul à partir de ce seul fichier et disent s'il correspond au procès-verbal, qui imprime
  l'empreinte SHA-256 du fichier. Un reçu dit qu'un associé a voté, jamais ce qu'il a voté.

  L'association de démonstration a clos son assemblée extraordinaire du 14/11/2026, AG-2026-01 :
  trois résolutions votées à bulletin secret, par vote nominatif et à main levée ; 40 associés y
  ont participé, dont un par pouvoir en blanc. Son assemblée ordinaire AG-2026-02 est ouverte.

  Contexte:
    Étant donné l'association de démonstration, son assemblée close AG-2026-01 et son assemblée ouverte AG-2026-02

  Scénario: Le fichier publié à la clôture correspond au procès-verbal
    Quand un adhérent télécharge le fichier de vérification de AG-2026-01
    Et qu'il vérifie ce fichier
    Alors la vérification dit « conforme : les 3 résolutions recalculées correspondent au procès-verbal »
    Et le script autonome écrit les mêmes lignes
    Et le procès-verbal de AG-2026-01 imprime l'empreinte SHA-256 de ce fichier

  Scénario: Une voix ajoutée dans le fichier est repérée et sa résolution nommée
    Quand un adhérent télécharge le fichier de vérification de AG-2026-01
    Et qu'il ajoute une voix « pour » à la résolution n° 2 dans ce fichier
    Et qu'il vérifie ce fichier
    Alors la vérification dit « non conforme : 3 écarts entre le document et le recalcul »
    Et un écart dit « résolution n° 2 : reçus publiés : 39, bulletins comptés : 40 »
    Et un écart commence par « résolution n° 2 : le document dit adoptée (Ensemble des associés : 32 pour, 5 contre »
    Et le script autonome écrit les mêmes lignes

  Scénario: Une issue réécrite dans les résultats du fichier est repérée
    Quand un adhérent télécharge le fichier de vérification de AG-2026-01
    Et qu'il remplace l'issue de la résolution n° 1 par « rejected » dans ce fichier
    Et qu'il vérifie ce fichier
    Alors la vérification dit « non conforme : 1 écart entre le document et le recalcul »
    Et un écart commence par « résolution n° 1 : le document dit rejetée (Ensemble des associés : 34 pour »
    Et le script autonome écrit les mêmes lignes

  Scénario: Un votant retrouve son reçu sans que le fichier dise son choix
    Quand RESSOURCERIE lit le reçu de son bulletin secret sur la résolution n° 1 de AG-2026-01
    Et qu'un adhérent télécharge le fichier de vérification de AG-2026-01
    Alors ce reçu figure parmi les 39 reçus de la résolution n° 1
    Et la vérification de ce reçu dit « compté pour la résolution n° 1 (parmi 39 reçus) »
    Et le fichier ne contient ni le nom ni le code d'aucun inscrit de la liste d'émargement

  Scénario: Pas de fichier de vérification tant que l'assemblée est ouverte
    Quand un adhérent demande le fichier de vérification de AG-2026-02
    Alors la demande est refusée avec le message :
      """
      l'assemblée AG-2026-02 est encore ouverte : le fichier de vérification est publié à sa clôture
      """
