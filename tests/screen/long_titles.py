"""Realistic long item titles in the five screen languages, the longest a facilitator is likely to type: the
constraints and sectors of a regional industrial-policy workshop, written out in full as people do when the
wording was negotiated in the room. Same meaning in every language, so a title and its second-language title
belong together."""

from __future__ import annotations

TITLES: dict[str, list[str]] = {
    "en": [
        "Unreliable electricity supply and frequent load-shedding in the industrial zones",
        "Limited access to affordable long-term finance for small and medium-sized manufacturers",
        "Shortage of technicians and artisans with up-to-date vocational qualifications",
        "Slow and costly customs clearance at the port and the inland border posts",
        "Poor condition of the regional road network linking farms to processing plants",
        "Complex municipal permits and licensing procedures for new business premises",
        "Weak links between the universities, technical colleges and local employers",
        "High cost and unreliability of broadband internet outside the metropolitan area",
        "Insufficient water supply for agro-processing during the long dry season",
        "Informal competition and the lack of enforcement of product quality standards",
        "Little coordination between national, provincial and municipal development agencies",
        "Agro-processing of citrus, avocado and macadamia for regional and export markets",
    ],
    "fr": [
        "Approvisionnement en électricité peu fiable et délestages fréquents dans les zones industrielles",
        "Accès limité à un financement abordable à long terme pour les petites et moyennes entreprises",
        "Pénurie de techniciens et d'artisans titulaires de qualifications professionnelles à jour",
        "Dédouanement lent et coûteux au port et aux postes frontières intérieurs",
        "Mauvais état du réseau routier régional reliant les exploitations aux usines de transformation",
        "Procédures municipales complexes de permis et de licences pour les nouveaux locaux d'entreprise",
        "Faibles liens entre les universités, les collèges techniques et les employeurs locaux",
        "Coût élevé et manque de fiabilité de l'internet haut débit hors de l'agglomération",
        "Approvisionnement en eau insuffisant pour l'agro-transformation pendant la longue saison sèche",
        "Concurrence informelle et absence de contrôle des normes de qualité des produits",
        "Peu de coordination entre les agences de développement nationales, provinciales et municipales",
        "Transformation des agrumes, de l'avocat et de la noix de macadamia pour les marchés d'exportation",
    ],
    "es": [
        "Suministro eléctrico poco fiable y cortes programados frecuentes en las zonas industriales",
        "Acceso limitado a financiación asequible a largo plazo para pequeñas y medianas empresas",
        "Escasez de técnicos y artesanos con cualificaciones profesionales actualizadas",
        "Despacho aduanero lento y costoso en el puerto y en los pasos fronterizos interiores",
        "Mal estado de la red vial regional que une las fincas con las plantas de procesamiento",
        "Trámites municipales complejos de permisos y licencias para nuevos locales comerciales",
        "Vínculos débiles entre las universidades, los institutos técnicos y los empleadores locales",
        "Alto costo y poca fiabilidad de la banda ancha fuera del área metropolitana",
        "Abastecimiento de agua insuficiente para la agroindustria durante la larga estación seca",
        "Competencia informal y falta de control de las normas de calidad de los productos",
        "Escasa coordinación entre las agencias de desarrollo nacionales, provinciales y municipales",
        "Procesamiento de cítricos, aguacate y macadamia para los mercados regionales y de exportación",
    ],
    "pt": [
        "Fornecimento de eletricidade pouco fiável e cortes de carga frequentes nas zonas industriais",
        "Acesso limitado a financiamento acessível de longo prazo para pequenas e médias empresas",
        "Escassez de técnicos e artesãos com qualificações profissionais atualizadas",
        "Desembaraço aduaneiro lento e caro no porto e nos postos fronteiriços do interior",
        "Mau estado da rede rodoviária regional que liga as explorações às unidades de processamento",
        "Procedimentos municipais complexos de licenças e alvarás para novas instalações comerciais",
        "Ligações fracas entre as universidades, as escolas técnicas e os empregadores locais",
        "Custo elevado e pouca fiabilidade da internet de banda larga fora da área metropolitana",
        "Abastecimento de água insuficiente para a agroindústria durante a longa estação seca",
        "Concorrência informal e falta de fiscalização das normas de qualidade dos produtos",
        "Pouca coordenação entre as agências de desenvolvimento nacionais, provinciais e municipais",
        "Processamento de citrinos, abacate e macadâmia para os mercados regionais e de exportação",
    ],
    "ar": [
        "عدم انتظام إمدادات الكهرباء وتكرار انقطاع التيار المبرمج في المناطق الصناعية",
        "محدودية الحصول على تمويل طويل الأجل بتكلفة معقولة للمنشآت الصغيرة والمتوسطة",
        "نقص الفنيين والحرفيين الحاصلين على مؤهلات مهنية محدثة",
        "بطء التخليص الجمركي وارتفاع تكلفته في الميناء والمنافذ الحدودية الداخلية",
        "سوء حالة شبكة الطرق الإقليمية التي تربط المزارع بمصانع التحويل",
        "تعقيد إجراءات التراخيص والتصاريح البلدية للمقرات التجارية الجديدة",
        "ضعف الروابط بين الجامعات والكليات التقنية وأصحاب العمل المحليين",
        "ارتفاع تكلفة الإنترنت عريض النطاق وضعف موثوقيته خارج المنطقة الحضرية",
        "عدم كفاية إمدادات المياه للصناعات الغذائية خلال موسم الجفاف الطويل",
        "المنافسة غير الرسمية وغياب الرقابة على معايير جودة المنتجات",
        "ضعف التنسيق بين وكالات التنمية الوطنية والإقليمية والبلدية",
        "تصنيع الحمضيات والأفوكادو والمكاديميا للأسواق الإقليمية وأسواق التصدير",
    ],
}

#: Long activity titles: the screen's header must hold them too.
ACTIVITY_TITLES: dict[str, str] = {
    "en": "Which constraints hold back the growth of manufacturing and agro-processing in the region?",
    "fr": "Quelles contraintes freinent la croissance de l'industrie et de l'agro-transformation dans la région ?",
    "es": "¿Qué restricciones frenan el crecimiento de la industria y la agroindustria en la región?",
    "pt": "Que restrições travam o crescimento da indústria e da agroindústria na região?",
    "ar": "ما القيود التي تعيق نمو الصناعة التحويلية والصناعات الغذائية في المنطقة؟",
}
